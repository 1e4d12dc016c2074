/** Token lifecycle: revocation, re-authorization, and keeping the two kinds of token apart. */
import { describe, expect, it } from "vitest";
import { callWorker, ORIGIN, signIn, standIn } from "./helpers";
import { connectMcp, resultText } from "./mcp-client";

async function revoke(clientId: string, token: string, hint: "refresh_token" | "access_token") {
	return callWorker("/token", {
		method: "POST",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ token, token_type_hint: hint, client_id: clientId }),
	});
}

async function mcpStatus(accessToken: string): Promise<number> {
	const response = await callWorker("/mcp", {
		method: "POST",
		body: JSON.stringify({
			jsonrpc: "2.0",
			id: 1,
			method: "initialize",
			params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
		}),
		headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
	});
	await response.text();
	return response.status;
}

describe("revocation (RFC 7009)", () => {
	it("revoking the refresh token ends the grant: its access token fails at once and it cannot refresh", async () => {
		const session = await signIn();
		expect(await mcpStatus(session.accessToken)).toBe(200);
		const response = await revoke(session.clientId, session.refreshToken, "refresh_token");
		expect(response.status).toBe(200);
		expect(await mcpStatus(session.accessToken)).toBe(401);
		const refreshed = await callWorker("/token", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({
				grant_type: "refresh_token",
				client_id: session.clientId,
				refresh_token: session.refreshToken,
				resource: ORIGIN,
			}),
		});
		expect(refreshed.status).toBe(400);
	});

	it("revoking the access token makes it fail at once", async () => {
		const session = await signIn();
		expect((await revoke(session.clientId, session.accessToken, "access_token")).status).toBe(200);
		expect(await mcpStatus(session.accessToken)).toBe(401);
	});
});

describe("re-authorization", () => {
	it("a new sign-in's props (here, more scopes) reach new sessions; the old grant keeps its own", async () => {
		const first = await signIn("octocat");
		const second = await signIn("octocat", ["github:write"]);
		const oldClient = await connectMcp(first.accessToken);
		const newClient = await connectMcp(second.accessToken);
		const before = JSON.parse(resultText(await oldClient.callTool({ name: "whoami", arguments: {} })));
		const after = JSON.parse(resultText(await newClient.callTool({ name: "whoami", arguments: {} })));
		await oldClient.close();
		await newClient.close();
		expect(before.scopes).toEqual(["github:read"]);
		expect(after.scopes).toEqual(["github:read", "github:write"]);
		expect(after.github_scopes).toEqual(["read:user", "user:email", "public_repo"]);
	});
});

describe("the two kinds of token stay apart", () => {
	it("the MCP tokens never reach GitHub; only the user's GitHub token does", async () => {
		const session = await signIn("octocat");
		const client = await connectMcp(session.accessToken);
		await client.callTool({ name: "list_repos", arguments: {} });
		const github = JSON.parse(resultText(await client.callTool({ name: "whoami", arguments: {} })));
		await client.close();
		expect(github.login).toBe("octocat");
		const { tokens } = (await (await fetch(`${standIn().baseUrl}/_standin/presented-tokens`)).json()) as { tokens: string[] };
		expect(tokens.length).toBeGreaterThan(0);
		for (const presented of tokens) {
			expect(presented).not.toBe(session.accessToken);
			expect(presented).not.toBe(session.refreshToken);
			expect(presented).toMatch(/^gho_/);
		}
	});
});
