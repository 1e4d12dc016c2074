/**
 * Fresh props in every session: an open MCP session uses its grant's current GitHub token and the
 * current access token's props on its next call, in both lanes. The 2025 lane's session (a Durable
 * Object that lives across requests) stores no token: the guard hands it the caller with every
 * request. The session here is driven on the wire by hand, so each request can carry the access
 * token a client holds at that moment (before or after it refreshed).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { REFRESH_MARGIN_MS } from "../../src/upstream/types";
import { initializeBody, LEGACY_VERSION, legacyHeaders, modernRequest, readResponse, resultText } from "../support/mcp-wire";
import { githubRequests } from "../support/standin";
import { createAppUser, refreshLog } from "../support/standin-app";
import { call, flow, grantPropsOf, LANES, type Lane, standIn } from "../worker/harness";

const MARGIN_S = REFRESH_MARGIN_MS / 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const base = () => standIn().baseUrl;

interface ToolResult {
	content?: { type: string; text?: string }[];
	structuredContent?: Record<string, unknown>;
	isError?: boolean;
}

/** One MCP session on the wire; every request names the access token it is sent with. */
interface WireSession {
	/** The 2025 lane's Durable Object name (null in the stateless lane). */
	objectName: string | null;
	callTool(token: string, name: string, args: Record<string, unknown>): Promise<ToolResult>;
	listTools(token: string): Promise<string[]>;
}

async function openSession(lane: Lane, token: string): Promise<WireSession> {
	let id = 1;
	if (lane === "modern") {
		const send = async (bearer: string, method: string, params: Record<string, unknown>) => {
			const request = modernRequest(method, params, { id: ++id });
			const response = await call("/mcp", {
				method: "POST",
				headers: { ...request.headers, Authorization: `Bearer ${bearer}` },
				body: request.body,
			});
			expect(response.status).toBe(200);
			return (await readResponse(response, id)).result ?? {};
		};
		return {
			objectName: null,
			callTool: async (bearer, name, args) => (await send(bearer, "tools/call", { name, arguments: args })) as ToolResult,
			listTools: async (bearer) => ((await send(bearer, "tools/list", {})).tools as { name: string }[]).map((tool) => tool.name),
		};
	}
	const initialized = await call("/mcp", {
		method: "POST",
		headers: legacyHeaders(token, undefined, LEGACY_VERSION),
		body: initializeBody({ version: LEGACY_VERSION }),
	});
	expect(initialized.status).toBe(200);
	await initialized.text();
	const sessionId = initialized.headers.get("Mcp-Session-Id") ?? "";
	const notified = await call("/mcp", {
		method: "POST",
		headers: legacyHeaders(token, sessionId, LEGACY_VERSION),
		body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
	});
	expect(notified.status).toBe(202);
	const send = async (bearer: string, method: string, params: Record<string, unknown>) => {
		const response = await call("/mcp", {
			method: "POST",
			headers: legacyHeaders(bearer, sessionId, LEGACY_VERSION),
			body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
		});
		expect(response.status).toBe(200);
		return (await readResponse(response, id)).result ?? {};
	};
	return {
		objectName: `streamable-http:${sessionId.split(".")[0]}`,
		callTool: async (bearer, name, args) => (await send(bearer, "tools/call", { name, arguments: args })) as ToolResult,
		listTools: async (bearer) => ((await send(bearer, "tools/list", {})).tools as { name: string }[]).map((tool) => tool.name),
	};
}

/** The repository calls GitHub got with a token (the sign-in's /user lookups left out). */
async function pathsSentWith(token: string): Promise<string[]> {
	return (await githubRequests(base(), token)).map((request) => request.path).filter((path) => path.startsWith("/repos/"));
}

/** Everything a 2025-lane session's Durable Object has stored: its key-value storage and every SQL table, as text. */
async function storedBySession(name: string): Promise<string> {
	const stub = env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(name));
	return runInDurableObject(stub, async (_instance, state) => {
		const parts: string[] = [];
		for (const [key, value] of await state.storage.list()) parts.push(key, JSON.stringify(value));
		const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray();
		for (const { name: table } of tables) {
			if (table.startsWith("_cf_") || table.startsWith("sqlite_")) continue;
			parts.push(table, JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${table.replace(/"/g, '""')}"`).toArray()));
		}
		return parts.join("\n");
	});
}

describe.each(LANES)("an open session sees its grant's current tokens on its next call (%s lane)", (lane: Lane) => {
	it("uses a GitHub token refreshed elsewhere (at /token), with the access token it had and with the new one", async () => {
		const user = await createAppUser(base(), { accessTokenTtlSeconds: MARGIN_S + 3 });
		const signedIn = await flow.signIn({ login: user.login });
		const first = await grantPropsOf(signedIn.accessToken);
		const args = { owner: user.login, repo: "scratch-fresh" };
		const repoPath = `/repos/${user.login}/scratch-fresh`;

		const session = await openSession(lane, signedIn.accessToken);
		expect((await session.callTool(signedIn.accessToken, "get_repo", args)).isError).toBeFalsy();
		expect(await pathsSentWith(first?.upstream.accessToken ?? "")).toEqual([repoPath]);

		// The client refreshes its MCP token once the GitHub token is about to expire: the grant's
		// GitHub token is refreshed there, and GitHub stops accepting the old one.
		await sleep(3_500);
		const refreshed = await flow.refresh(signedIn.clientId, signedIn.refreshToken);
		expect(refreshed.status).toBe(200);
		const renewed = ((await refreshed.json()) as { access_token: string }).access_token;
		const [rotation, ...more] = await refreshLog(base(), user.login);
		expect(more).toEqual([]);
		const githubToken = rotation?.accessToken ?? "";
		expect((await grantPropsOf(renewed))?.upstream.accessToken).toBe(githubToken);

		// The session's next call, still with the access token it had: the new GitHub token.
		expect((await session.callTool(signedIn.accessToken, "get_repo", args)).isError).toBeFalsy();
		// And with the refreshed access token.
		expect((await session.callTool(renewed, "get_repo", args)).isError).toBeFalsy();
		expect(await pathsSentWith(githubToken)).toEqual([repoPath, repoPath]);
		// The old GitHub token was never tried again, and nothing refreshed twice.
		expect(await pathsSentWith(first?.upstream.accessToken ?? "")).toEqual([repoPath]);
		expect(await refreshLog(base(), user.login)).toHaveLength(1);
	});

	it("uses a GitHub token another call refreshed, and the MCP token's props after the client refreshes it", async () => {
		const user = await createAppUser(base(), { accessTokenTtlSeconds: MARGIN_S + 3 });
		const signedIn = await flow.signIn({ login: user.login, scopes: ["github:private", "github:write"] });
		const args = { owner: user.login, repo: "scratch-fresh" };
		const session = await openSession(lane, signedIn.accessToken);
		const other = await openSession(lane, signedIn.accessToken);
		expect((await session.callTool(signedIn.accessToken, "whoami", {})).isError).toBeFalsy();

		// Another session's call refreshes the GitHub token behind the scenes.
		await sleep(3_500);
		expect((await other.callTool(signedIn.accessToken, "get_repo", args)).isError).toBeFalsy();
		const [rotation] = await refreshLog(base(), user.login);
		expect((await session.callTool(signedIn.accessToken, "get_repo", args)).isError).toBeFalsy();
		expect((await pathsSentWith(rotation?.accessToken ?? "")).length).toBe(2);
		expect(await refreshLog(base(), user.login)).toHaveLength(1);

		// The client refreshes its MCP token, narrowed to github:read: the same session's next
		// request lists and allows what the new token carries, not what the session started with.
		expect(await session.listTools(signedIn.accessToken)).toContain("create_issue");
		const narrowed = await flow.refresh(signedIn.clientId, signedIn.refreshToken, { scope: "github:read" });
		expect(narrowed.status).toBe(200);
		const token = ((await narrowed.json()) as { access_token: string }).access_token;
		expect(await session.listTools(token)).not.toContain("create_issue");
		const whoami = await session.callTool(token, "whoami", {});
		expect(JSON.parse(resultText(whoami))).toMatchObject({ login: user.login, scopes: ["github:read"] });
	});
});

describe("the 2025 lane's session", () => {
	it("stores no GitHub token and no MCP token, only its grant's reference", async () => {
		const user = await createAppUser(base(), { accessTokenTtlSeconds: MARGIN_S + 2 });
		const signedIn = await flow.signIn({ login: user.login });
		const session = await openSession("legacy", signedIn.accessToken);
		const args = { owner: user.login, repo: "scratch-fresh" };
		expect((await session.callTool(signedIn.accessToken, "get_repo", args)).isError).toBeFalsy();
		await sleep(2_500);
		expect((await session.callTool(signedIn.accessToken, "get_repo", args)).isError).toBeFalsy();
		const [rotation] = await refreshLog(base(), user.login);
		const first = await grantPropsOf(signedIn.accessToken);

		const stored = await storedBySession(session.objectName ?? "");
		// Proof that the dump is of the right object: the session's grant reference and its cache are there.
		expect(stored).toContain(signedIn.accessToken.split(":")[1]);
		expect(stored).toContain("scratch-fresh");
		for (const secret of [
			first?.upstream.accessToken,
			first?.upstream.refreshToken,
			rotation?.accessToken,
			rotation?.newRefreshToken,
			signedIn.accessToken,
			signedIn.refreshToken,
		]) {
			expect(secret).toBeTruthy();
			expect(stored).not.toContain(secret);
		}
		expect(stored).not.toMatch(/gh[uro]_[0-9a-f]{8}/);
	});
});
