/**
 * Token lifecycle: revocation (RFC 7009) on every lane, re-authorization, and the two kinds of
 * token kept apart (no token passthrough: the MCP token never reaches GitHub, the GitHub token
 * never reaches the client, on either protocol lane).
 */
import { describe, expect, it } from "vitest";
import { fromAddress } from "../support/client-address";
import { type LaneReply, openRawLane, WIRE_LANES } from "../support/mcp-lanes";
import { discard, initializeBody, legacyHeaders, modernRequest, resultText } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { createStandInUser, githubRequests, mintGithubToken, presentedTokens } from "../support/standin";
import { grantProps } from "../support/users";
import { connect, issueTokens, LANES, ORIGIN, standIn } from "./harness";
import { workerSend } from "./worker-send";

const send = fromAddress(workerSend());
const flow = new OAuthFlow({ origin: ORIGIN, send });

function revoke(clientId: string, token: string, hint?: "refresh_token" | "access_token") {
	return flow.request("/token", {
		method: "POST",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ token, client_id: clientId, ...(hint ? { token_type_hint: hint } : {}) }),
	});
}

/** What each way into MCP answers for this access token: 200 while it is valid. */
async function laneStatuses(accessToken: string): Promise<number[]> {
	const modern = modernRequest("tools/list");
	const requests = [
		new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: legacyHeaders(accessToken), body: initializeBody() }),
		new Request(new URL("/sse", ORIGIN), { headers: { Authorization: `Bearer ${accessToken}`, Accept: "text/event-stream" } }),
		new Request(new URL("/mcp", ORIGIN), {
			method: "POST",
			headers: { ...modern.headers, Authorization: `Bearer ${accessToken}` },
			body: modern.body,
		}),
	];
	const statuses: number[] = [];
	for (const request of requests) {
		const response = await send(request);
		statuses.push(response.status);
		await discard(response);
	}
	return statuses;
}

describe("revocation (RFC 7009)", () => {
	it.each([["refresh_token"], [undefined]] as const)(
		"revoking the refresh token (hint %s) ends the grant: its access token fails on every lane, and it cannot refresh",
		async (hint) => {
			const session = await flow.signIn();
			expect(await laneStatuses(session.accessToken)).toEqual([200, 200, 200]);
			expect((await revoke(session.clientId, session.refreshToken, hint)).status).toBe(200);
			expect(await laneStatuses(session.accessToken)).toEqual([401, 401, 401]);
			expect((await flow.refresh(session.clientId, session.refreshToken)).status).toBe(400);
		},
	);

	it("revoking the access token makes it fail at once on every lane; the grant refreshes", async () => {
		const session = await flow.signIn();
		expect((await revoke(session.clientId, session.accessToken, "access_token")).status).toBe(200);
		expect(await laneStatuses(session.accessToken)).toEqual([401, 401, 401]);
		const refreshed = (await (await flow.refresh(session.clientId, session.refreshToken)).json()) as { access_token: string };
		expect(await laneStatuses(refreshed.access_token)).toEqual([200, 200, 200]);
	});

	it("another client cannot revoke a client's tokens (RFC 7009 §2.1): 200, and nothing ends", async () => {
		const victim = await flow.signIn();
		const attacker = await flow.register();
		for (const token of [victim.refreshToken, victim.accessToken]) expect((await revoke(attacker.client_id, token)).status).toBe(200);
		expect(await laneStatuses(victim.accessToken)).toEqual([200, 200, 200]);
		expect((await flow.refresh(victim.clientId, victim.refreshToken)).status).toBe(200);
	});
});

describe("re-authorization", () => {
	it.each(LANES)("%s lane: a new sign-in's props (here, more scopes) reach its sessions; the old grant keeps its own", async (lane) => {
		const first = await flow.signIn({ login: "octocat" });
		const second = await flow.signIn({ login: "octocat", scopes: ["github:write"] });
		const oldClient = await connect(lane, first.accessToken);
		const newClient = await connect(lane, second.accessToken);
		const before = (await oldClient.callTool({ name: "whoami", arguments: {} })).structuredContent;
		const after = (await newClient.callTool({ name: "whoami", arguments: {} })).structuredContent;
		await oldClient.close();
		await newClient.close();
		expect(before).toMatchObject({ scopes: ["github:read"] });
		expect(after).toMatchObject({ scopes: ["github:read", "github:write"], github_scopes: ["read:user", "user:email", "public_repo"] });
	});
});

describe("the two kinds of token stay apart (no token passthrough)", () => {
	it("on every lane: the MCP tokens never reach GitHub, and the GitHub token never reaches the client", { timeout: 60_000 }, async () => {
		const user = await createStandInUser(standIn().baseUrl, { orgs: ["octo-org"] });
		const githubToken = await mintGithubToken(standIn().baseUrl, user.login);
		const faulty = await mintGithubToken(standIn().baseUrl, user.login, { fault: "unauthorized" });
		const replies: LaneReply[] = [];
		const issued: { accessToken: string; refreshToken: string }[] = [];
		for (const kind of WIRE_LANES) {
			// GitHub refusing the faulty token ends its grant, so each lane gets grants of its own.
			for (const upstream of [githubToken, faulty]) {
				const tokens = await issueTokens(grantProps(user, { accessToken: upstream, scopes: ["read:user", "user:email", "repo"] }));
				issued.push(tokens);
				const lane = await openRawLane(kind, { send, origin: ORIGIN, token: tokens.accessToken });
				replies.push(await lane.request("tools/list"));
				for (const [name, args] of [
					["whoami", {}],
					["list_repos", {}],
					["get_repo", { owner: user.login, repo: "nope" }],
					["get_repo", { owner: "octocat", repo: "repo-a-0" }],
					["get_file", { owner: "octocat", repo: "repo-a-0", path: "README.md" }],
					["list_issues", { owner: "octocat", repo: "repo-a-0" }],
					["create_issue", { owner: "octocat", repo: "repo-a-0", title: "never confirmed" }],
				] as const) {
					replies.push(await lane.request("tools/call", { name, arguments: args }));
				}
				replies.push(await lane.request("resources/read", { uri: "github://repos/octocat/repo-a-0/issues/1" }));
				await lane.close();
			}
		}
		expect(replies.length).toBeGreaterThan(40);
		for (const reply of replies) {
			const everything = `${[...reply.headers].map(([name, value]) => `${name}: ${value}`).join("\n")}\n${reply.body}\n${JSON.stringify(reply.message ?? null)}`;
			for (const secret of [githubToken, faulty]) expect(everything).not.toContain(secret);
		}
		// The tools did reach GitHub, with the GitHub token only.
		expect((await githubRequests(standIn().baseUrl, githubToken)).length).toBeGreaterThan(0);
		expect(resultText(replies.find((reply) => reply.message?.result?.structuredContent !== undefined)?.message?.result)).not.toBe("");
		const presented = await presentedTokens(standIn().baseUrl);
		for (const tokens of issued) {
			expect(presented).not.toContain(tokens.accessToken);
			expect(presented).not.toContain(tokens.refreshToken);
		}
		for (const token of presented) expect(token).toMatch(/^gh[ousr]_/);
	});
});

// Regression: the library builds KV keys from what a client sends (client_id, and the user and
// grant ids inside codes and tokens); KV throws on a key over 512 bytes, so each of these requests
// was an uncaught exception, a 500, instead of the library's answer for an unknown value.
describe("regression: a client_id, code or token too long for a KV key crashed the Worker (500)", () => {
	const long = "u".repeat(600);
	const form = (fields: Record<string, string>) =>
		new Request(new URL("/token", ORIGIN), {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams(fields),
		});
	it.each([
		["/authorize with a long client_id", 400, () => new Request(new URL(`/authorize?response_type=code&client_id=${long}`, ORIGIN))],
		[
			"/token with a long client_id",
			401,
			() => form({ grant_type: "authorization_code", client_id: long, code: "a:b:c", code_verifier: "v".repeat(43) }),
		],
		[
			"/token with a long client_id in Basic authentication",
			401,
			() =>
				new Request(new URL("/token", ORIGIN), {
					method: "POST",
					headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${btoa(`${long}:secret`)}` },
					body: "grant_type=authorization_code&code=a:b:c",
				}),
		],
		[
			"/token with a long code",
			401,
			() => form({ grant_type: "authorization_code", client_id: "x", code: `${long}:g:s`, code_verifier: "v".repeat(43) }),
		],
		["/token with a long refresh token", 401, () => form({ grant_type: "refresh_token", client_id: "x", refresh_token: `u:${long}:s` })],
		["/token revoking a long token", 401, () => form({ token: `${long}:g:s`, client_id: "x" })],
		[
			"/mcp with a long bearer token (user id)",
			401,
			() => new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: legacyHeaders(`${long}:g:s`), body: initializeBody() }),
		],
		[
			"/mcp with a long bearer token (grant id)",
			401,
			() => new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: legacyHeaders(`u:${long}:s`), body: initializeBody() }),
		],
		[
			"/sse with a long bearer token",
			401,
			() => new Request(new URL("/sse", ORIGIN), { headers: { Authorization: `Bearer ${long}:g:s`, Accept: "text/event-stream" } }),
		],
	] as const)("%s: %i, not a 500", async (_what, status, request) => {
		const response = await send(request());
		expect(response.status).toBe(status);
		expect(await response.text()).not.toMatch(/KV GET failed|exceeds key length|\bat .+:\d+:\d+/);
	});
});
