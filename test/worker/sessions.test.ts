/**
 * MCP sessions (2025 lane) are bound to the grant that opened them (src/mcp/guard/session-id.ts):
 * a session id leaves the server as `<id>.<HMAC over user, grant and id>`. Another client of the
 * same user (another grant), or another user, presenting it gets the same 404 as an id that never
 * existed, as does every malformed value. When a grant ends, its sessions are unusable and their
 * storage is deleted (GrantStore.end).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { endGrant } from "../../src/auth/grants";
import { signSessionId, verifySessionId } from "../../src/mcp/guard/session-id";
import type { GitHubMcpAgent } from "../../src/mcp/lanes/agent";
import { ALL_MCP_SCOPES } from "../../src/scopes";
import type { GrantStore } from "../../src/state/grant-store";
import { fromAddress } from "../support/client-address";
import { openRawLane, type RawLane } from "../support/mcp-lanes";
import { LEGACY_VERSION, MCP_ACCEPT } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { createStandInUser, mintGithubToken } from "../support/standin";
import { grantProps } from "../support/users";
import { issueTokens, ORIGIN, standIn } from "./harness";
import { workerSend } from "./worker-send";

const send = fromAddress(workerSend());
const flow = new OAuthFlow({ origin: ORIGIN, send });

const NOT_FOUND = { jsonrpc: "2.0", id: null, error: { code: -32001, message: "Session not found" } };
const STACK_TRACE = /\bat .+\.(?:ts|js|mjs):\d+|Error:/;

/** A user of the test's own with two connected clients: grant A (every scope) and grant B (read only). */
async function userWithTwoGrants() {
	const user = await createStandInUser(standIn().baseUrl, { orgs: ["octo-org"] });
	const grant = async (scopes: readonly string[]) => {
		const githubToken = await mintGithubToken(standIn().baseUrl, user.login);
		const tokens = await issueTokens(grantProps(user, { accessToken: githubToken, scopes: ["repo"] }), scopes);
		const [userId = "", grantId = ""] = tokens.accessToken.split(":");
		return { ...tokens, githubToken, userId, grantId };
	};
	return { user, a: await grant(ALL_MCP_SCOPES), b: await grant(["github:read"]) };
}

/** The URLs in a user's GitHub response cache (UserStore). */
async function cachedUrls(userId: string): Promise<string[]> {
	const stub = env.USER_STORE.get(env.USER_STORE.idFromName(`user:${userId}`));
	return runInDurableObject(stub, async (_instance, state) =>
		state.storage.sql
			.exec<{ url: string }>("SELECT url FROM github_cache")
			.toArray()
			.map((row) => row.url),
	);
}

/** A client of another user. */
async function otherUser() {
	const user = await createStandInUser(standIn().baseUrl);
	const githubToken = await mintGithubToken(standIn().baseUrl, user.login);
	return issueTokens(grantProps(user, { accessToken: githubToken, scopes: ["repo"] }));
}

function innerOf(signed: string): string {
	return signed.slice(0, signed.indexOf("."));
}

function macOf(signed: string): string {
	return signed.slice(signed.indexOf(".") + 1);
}

/** A streamable HTTP request presenting `sessionId` with `token`: POST (a call), GET (the stream) or DELETE. */
function presentMcp(token: string, sessionId: string, method: "POST" | "GET" | "DELETE"): Promise<Response> {
	const headers = new Headers({ Authorization: `Bearer ${token}`, Accept: MCP_ACCEPT, "MCP-Protocol-Version": LEGACY_VERSION });
	headers.set("Mcp-Session-Id", sessionId);
	if (method === "GET") headers.set("Accept", "text/event-stream");
	if (method === "POST") headers.set("Content-Type", "application/json");
	const body =
		method === "POST" ? JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "whoami", arguments: {} } }) : null;
	return send(new Request(new URL("/mcp", ORIGIN), { method, headers, body }));
}

/** The SSE transport's two ways in with a session id: posting a message, and joining the stream. */
function presentSse(token: string, sessionId: string, method: "POST" | "GET"): Promise<Response> {
	const url = new URL(method === "POST" ? "/sse/message" : "/sse", ORIGIN);
	url.searchParams.set("sessionId", sessionId);
	return send(
		new Request(url, {
			method,
			headers: {
				Authorization: `Bearer ${token}`,
				...(method === "POST" ? { "Content-Type": "application/json" } : { Accept: "text/event-stream" }),
			},
			...(method === "POST"
				? { body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "whoami", arguments: {} } }) }
				: {}),
		}),
	);
}

async function expectNotFound(response: Response, secrets: string[] = []): Promise<void> {
	const text = await response.text();
	expect(response.status, text.slice(0, 200)).toBe(404);
	expect(JSON.parse(text)).toEqual(NOT_FOUND);
	expect(text).not.toMatch(STACK_TRACE);
	for (const secret of secrets) expect(text).not.toContain(secret);
}

/** What a session's Durable Object still holds in storage (its in-memory copy aside). */
async function sessionRecord(name: string) {
	const stub = env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(name));
	return runInDurableObject(stub, async (_agent: GitHubMcpAgent, state) => {
		const tables = state.storage.sql
			.exec<{ name: string }>(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
			)
			.toArray()
			.map((row) => row.name);
		const rows = JSON.stringify(tables.flatMap((table) => state.storage.sql.exec(`SELECT * FROM "${table}"`).toArray()));
		return {
			initialized: (await state.storage.get("initializeRequest")) !== undefined,
			props: (await state.storage.get("props")) ?? null,
			counter: Number(/counter\\?":(\d+)/.exec(rows)?.[1] ?? 0),
		};
	});
}

/** What a grant's Durable Object still holds. */
async function grantRecord(grant: { userId: string; grantId: string }) {
	const stub = env.GRANT_STORE.get(env.GRANT_STORE.idFromName(`${grant.userId}:${grant.grantId}`));
	return runInDurableObject(stub, async (store: GrantStore, state) => ({
		sessions: store.listSessions(),
		keys: [...(await state.storage.list()).keys()],
	}));
}

describe("a session belongs to the grant that opened it", () => {
	it("another client of the same user, or another user, presenting the Mcp-Session-Id gets 404 for every method", async () => {
		const { a, b } = await userWithTwoGrants();
		const stranger = await otherUser();
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: a.accessToken });
		const sessionId = lane.sessionId ?? "";
		for (const intruder of [b.accessToken, stranger.accessToken]) {
			for (const method of ["POST", "GET", "DELETE"] as const) {
				await expectNotFound(await presentMcp(intruder, sessionId, method), [a.accessToken, a.githubToken, "github:write"]);
			}
		}
		// The owner's session is untouched (the intruders' DELETE ended nothing).
		const owner = await lane.request("tools/call", { name: "whoami", arguments: {} });
		expect(owner.message?.result?.structuredContent).toMatchObject({ scopes: ALL_MCP_SCOPES });
		await lane.close();
	});

	it("another client of the same user, or another user, presenting the SSE sessionId gets 404 posting or joining", async () => {
		const { a, b } = await userWithTwoGrants();
		const stranger = await otherUser();
		const lane = await openRawLane("legacy-sse", { send, origin: ORIGIN, token: a.accessToken });
		const sessionId = lane.sessionId ?? "";
		expect(sessionId).toMatch(/^[0-9a-f]{64}\.[A-Za-z0-9_-]{43}$/);
		for (const intruder of [b.accessToken, stranger.accessToken]) {
			for (const method of ["POST", "GET"] as const) {
				await expectNotFound(await presentSse(intruder, sessionId, method), [a.accessToken, a.githubToken, "github:write"]);
			}
		}
		const owner = await lane.request("tools/call", { name: "whoami", arguments: {} });
		expect(owner.message?.result?.structuredContent).toMatchObject({ scopes: ALL_MCP_SCOPES });
		await lane.close();
	});

	it("a session outlives its access token: the grant's refreshed token keeps using it", async () => {
		const { a } = await userWithTwoGrants();
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: a.accessToken });
		await lane.request("tools/call", { name: "add_to_counter", arguments: { amount: 3 } });
		const refreshed = (await (await flow.refresh(a.clientId, a.refreshToken)).json()) as { access_token: string };
		const reply = await lane.request(
			"tools/call",
			{ name: "add_to_counter", arguments: { amount: 4 } },
			{ authorization: `Bearer ${refreshed.access_token}` },
		);
		expect(reply.message?.result?.structuredContent).toEqual({ counter: 7 });
		await lane.close();
	});
});

type Ending = "RFC 7009 revocation of the refresh token" | "endGrant (connections page, reuse detection, upstream gone)";

async function endGrantA(how: Ending, a: Awaited<ReturnType<typeof userWithTwoGrants>>["a"]): Promise<void> {
	if (how === "RFC 7009 revocation of the refresh token") {
		const response = await flow.request("/token", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ token: a.refreshToken, token_type_hint: "refresh_token", client_id: a.clientId }),
		});
		expect(response.status).toBe(200);
	} else {
		await endGrant(env, ORIGIN, a);
	}
}

describe("when a grant ends, its sessions end", () => {
	// Regression (RFC 7009 row): the library revoked the grant's tokens but nothing deleted what this
	// server keeps per grant, so the grant's sessions (and its stored GitHub tokens) stayed in storage.
	it.each<Ending>(["RFC 7009 revocation of the refresh token", "endGrant (connections page, reuse detection, upstream gone)"])(
		"%s: its tokens get 401 at its sessions, other grants 404, and the sessions' storage is deleted",
		async (how) => {
			const { a, b } = await userWithTwoGrants();
			const lanes: RawLane[] = [
				await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: a.accessToken }),
				await openRawLane("legacy-sse", { send, origin: ORIGIN, token: a.accessToken }),
			];
			for (const lane of lanes) await lane.request("tools/call", { name: "add_to_counter", arguments: { amount: 5 } });
			const [mcp, sse] = lanes as [RawLane, RawLane];
			const names = [`streamable-http:${innerOf(mcp.sessionId ?? "")}`, `sse:${sse.sessionId}`];
			expect((await grantRecord(a)).sessions.sort()).toEqual([...names].sort());
			for (const name of names)
				expect(await sessionRecord(name)).toMatchObject({ props: { v: 2, grant: { grantId: a.grantId } }, counter: 5 });

			await endGrantA(how, a);

			for (const lane of lanes) {
				const reply = await lane.request("tools/list");
				expect(reply.status).toBe(401);
				expect(reply.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
			}
			await expectNotFound(await presentMcp(b.accessToken, mcp.sessionId ?? "", "POST"));
			await expectNotFound(await presentSse(b.accessToken, sse.sessionId ?? "", "POST"));
			for (const name of names) expect(await sessionRecord(name)).toEqual({ initialized: false, props: null, counter: 0 });
			expect(await grantRecord(a)).toEqual({ sessions: [], keys: [] });
			// The other grant of the same user is untouched.
			const other = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: b.accessToken });
			expect((await other.request("tools/call", { name: "add", arguments: { a: 1, b: 1 } })).message?.result?.content).toEqual([
				{ type: "text", text: "2" },
			]);
			for (const lane of [...lanes, other]) await lane.close();
		},
	);

	// Found by review: the 2026-07-28 lane's per-user GitHub cache (private file contents and
	// issues a github:private connection read) stayed after the user revoked every grant.
	it.each<Ending>(["RFC 7009 revocation of the refresh token", "endGrant (connections page, reuse detection, upstream gone)"])(
		"%s: the user's cached GitHub responses are deleted too",
		async (how) => {
			const { user, a, b } = await userWithTwoGrants();
			const modern = await openRawLane("modern", { send, origin: ORIGIN, token: a.accessToken });
			const read = await modern.request("tools/call", { name: "get_repo", arguments: { owner: user.login, repo: "scratch-cached" } });
			expect(read.message?.result?.isError).toBeFalsy();
			await modern.close();
			expect(await cachedUrls(a.userId)).toContain(`${standIn().apiUrl}/repos/${user.login}/scratch-cached`);

			await endGrantA(how, a);
			expect(await cachedUrls(a.userId)).toEqual([]);
			// The user's other grant still works, and fills the cache again.
			const other = await openRawLane("modern", { send, origin: ORIGIN, token: b.accessToken });
			await other.request("tools/call", { name: "get_repo", arguments: { owner: user.login, repo: "scratch-cached" } });
			await other.close();
			expect(await cachedUrls(a.userId)).toHaveLength(1);
		},
	);

	it("a reused authorization code ends the grant it issued, sessions included", async () => {
		const client = await flow.register();
		const consent = await flow.openConsent(client.client_id);
		const code = await flow.codeAfterApproval(await flow.submitConsent(consent, "approve"), consent.jar, "octocat");
		const tokens = (await (await flow.exchangeCode(client.client_id, code, consent.pkce.verifier)).json()) as { access_token: string };
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: tokens.access_token });
		const [userId = "", grantId = ""] = tokens.access_token.split(":");
		const name = `streamable-http:${innerOf(lane.sessionId ?? "")}`;
		expect(await sessionRecord(name)).toMatchObject({ initialized: true });

		expect((await flow.exchangeCode(client.client_id, code, consent.pkce.verifier)).status).toBe(400);
		expect((await lane.request("tools/list")).status).toBe(401);
		expect(await sessionRecord(name)).toEqual({ initialized: false, props: null, counter: 0 });
		expect(await grantRecord({ userId, grantId })).toEqual({ sessions: [], keys: [] });
		await lane.close();
	});

	// Regression: GrantStore.end() dropped its sessions table with everything else, so a second end()
	// (the upstream refused a refresh and ended the grant, then the library revoked it and the Worker
	// ended it again) threw "no such table", and so did any request of the grant still in flight.
	it("regression: a grant's store can be ended twice, and still answers afterwards", async () => {
		const stub = env.GRANT_STORE.get(env.GRANT_STORE.idFromName(`ended-twice:${crypto.randomUUID()}`));
		await runInDurableObject(stub, async (store: GrantStore) => {
			const reserved = await store.reserveSession(10);
			if (!reserved.ok) throw new Error("no place");
			await store.confirmSession(reserved.reservation, "streamable-http:never-created");
			await store.end();
			await store.end();
			expect(store.listSessions()).toEqual([]);
			expect(await store.reserveSession(10)).toMatchObject({ ok: true });
		});
	});

	it("revoking only an access token (RFC 7009) leaves the grant and its sessions", async () => {
		const { a } = await userWithTwoGrants();
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: a.accessToken });
		await lane.request("tools/call", { name: "add_to_counter", arguments: { amount: 2 } });
		const revoked = await flow.request("/token", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ token: a.accessToken, token_type_hint: "access_token", client_id: a.clientId }),
		});
		expect(revoked.status).toBe(200);
		expect((await lane.request("tools/list")).status).toBe(401);
		const refreshed = (await (await flow.refresh(a.clientId, a.refreshToken)).json()) as { access_token: string };
		const reply = await lane.request(
			"tools/call",
			{ name: "add_to_counter", arguments: { amount: 1 } },
			{ authorization: `Bearer ${refreshed.access_token}` },
		);
		expect(reply.message?.result?.structuredContent).toEqual({ counter: 3 });
		await lane.close();
	});
});

/**
 * Malformed session ids: the same 404 as an unknown id, never a 500 or a stack trace. Built from a
 * real session of grant A (inner id and MAC) and one of grant B, so near misses are tested too.
 */
function malformedIds(own: string, other: string): [string, string][] {
	const inner = innerOf(own);
	const mac = macOf(own);
	const swapCase = (text: string) => [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
	return [
		["empty", ""],
		["one dot", "."],
		["dots only", "..."],
		["a hundred dots", ".".repeat(100)],
		["two dots between id and MAC", `${inner}..${mac}`],
		["three parts", `${inner}.${mac}.${mac}`],
		["no id", `.${mac}`],
		["no MAC", `${inner}.`],
		["the bare inner id (unsigned)", inner],
		["a MAC outside the base64url alphabet", `${inner}.${"!".repeat(43)}`],
		["a MAC in standard base64 (+ and /)", `${inner}.${"A+/".repeat(14)}A`],
		["a padded MAC", `${inner}.${mac}=`],
		["a MAC of 42 characters", `${inner}.${mac.slice(0, 42)}`],
		["a MAC of 44 characters", `${inner}.${mac}A`],
		["a MAC of 41 characters (length ≡ 1 mod 4)", `${inner}.${mac.slice(0, 41)}`],
		["a MAC of 45 characters (length ≡ 1 mod 4)", `${inner}.${mac}AA`],
		["a truncated MAC", `${inner}.${mac.slice(0, 20)}`],
		["a one-character MAC", `${inner}.${mac.slice(0, 1)}`],
		["the MAC with its case swapped", `${inner}.${swapCase(mac)}`],
		["the id uppercased", `${inner.toUpperCase()}.${mac}`],
		["the id shortened", `${inner.slice(1)}.${mac}`],
		["a MAC of zeros", `${inner}.${"A".repeat(43)}`],
		["another grant's MAC on this id", `${inner}.${macOf(other)}`],
		["this MAC on another grant's id", `${innerOf(other)}.${mac}`],
		["Latin-1 characters", `${inner}.${mac.slice(0, 42)}\u00e9`],
		["UTF-8 bytes of an emoji", `${inner}.\u00f0\u009f\u0098\u0080${mac.slice(4)}`],
		["10 KB", "a".repeat(10 * 1024)],
		["a valid id followed by 10 KB", `${own}${"a".repeat(10 * 1024)}`],
		["a control character in the id", `${inner}\u0001.${mac}`],
		["DEL after the MAC", `${own}\u007f`],
		["a tab inside", `${inner}\t.${mac}`],
		["a colon as separator", `${inner}:${mac}`],
		["a percent-encoded dot", `${inner}%2E${mac}`],
		["a space as separator", `${inner} ${mac}`],
		["two ids joined with a comma (a repeated header)", `${own}, ${own}`],
	];
}

describe("malformed session ids get the same 404 as an unknown id", () => {
	it("on /mcp (Mcp-Session-Id), for POST, GET and DELETE", async () => {
		const { a, b } = await userWithTwoGrants();
		const own = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: a.accessToken });
		const other = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: b.accessToken });
		const unknown = await presentMcp(a.accessToken, `${"0".repeat(64)}.${"A".repeat(43)}`, "POST");
		const unknownBody = await unknown.text();
		expect(unknown.status).toBe(404);
		for (const [what, value] of malformedIds(own.sessionId ?? "", other.sessionId ?? "")) {
			for (const method of ["POST", "GET", "DELETE"] as const) {
				const response = await presentMcp(a.accessToken, value, method);
				const text = await response.text();
				expect(response.status, `${what} (${method}): ${text.slice(0, 200)}`).toBe(404);
				expect(text, `${what} (${method})`).toBe(unknownBody);
			}
		}
		// The real session still works.
		expect((await own.request("tools/call", { name: "add", arguments: { a: 2, b: 2 } })).message?.result?.content).toEqual([
			{ type: "text", text: "4" },
		]);
		await own.close();
		await other.close();
	});

	it("on /sse (the sessionId parameter), posting and joining, whatever the characters", async () => {
		const { a, b } = await userWithTwoGrants();
		const own = await openRawLane("legacy-sse", { send, origin: ORIGIN, token: a.accessToken });
		const other = await openRawLane("legacy-sse", { send, origin: ORIGIN, token: b.accessToken });
		const ownId = own.sessionId ?? "";
		const ids: [string, string][] = [
			...malformedIds(ownId, other.sessionId ?? ""),
			// A URL carries what a header cannot.
			["a NUL", `${ownId}\u0000`],
			["a newline", `${innerOf(ownId)}\n.${macOf(ownId)}`],
			["real Unicode", `${innerOf(ownId)}.${macOf(ownId).slice(0, 40)}é😀`],
			["a right-to-left override", `\u202E${ownId}`],
		];
		for (const [what, value] of ids) {
			for (const method of ["POST", "GET"] as const) {
				const response = await presentSse(a.accessToken, value, method);
				const text = await response.text();
				expect(response.status, `${what} (${method}): ${text.slice(0, 200)}`).toBe(404);
				expect(JSON.parse(text), `${what} (${method})`).toEqual(NOT_FOUND);
			}
		}
		expect((await own.request("tools/call", { name: "add", arguments: { a: 2, b: 2 } })).message?.result?.content).toEqual([
			{ type: "text", text: "4" },
		]);
		await own.close();
		await other.close();
	});

	it("verifySessionId itself: null for every malformed value, the inner id only for its own grant and secret", async () => {
		const secret = "test-secret-0123456789abcdef0123456789abcdef";
		const grant = { userId: "583231", grantId: "grant-a" };
		const otherGrant = { userId: "583231", grantId: "grant-b" };
		const inner = "f".repeat(64);
		const own = await signSessionId(secret, grant, inner);
		const other = await signSessionId(secret, otherGrant, "e".repeat(64));
		expect(await verifySessionId(secret, grant, own)).toBe(inner);
		expect(await verifySessionId(secret, otherGrant, own)).toBeNull();
		expect(await verifySessionId(secret, { userId: "480938", grantId: "grant-a" }, own)).toBeNull();
		expect(await verifySessionId("another-secret-0123456789abcdef0123456789", grant, own)).toBeNull();
		for (const [what, value] of malformedIds(own, other)) {
			expect(await verifySessionId(secret, grant, value), what).toBeNull();
		}
	});
});
