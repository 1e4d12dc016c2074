/**
 * What each lane keeps, and where: the 2025 lane's McpAgent session (a Durable Object per
 * session: the counter, a cache of GitHub responses, a reference to its grant and never a token,
 * the caller of each request, idle cleanup) and the 2026-07-28 lane (no session: the counter and
 * the cache per user in their UserStore, and no Durable Object at all on the path of a tool that
 * needs no state).
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { readConfig } from "../../src/config";
import { isWriteTool } from "../../src/mcp/define";
import type { GitHubMcpAgent } from "../../src/mcp/lanes/agent";
import { TOOLS } from "../../src/mcp/registry";
import { ALL_MCP_SCOPES } from "../../src/scopes";
import { initializeBody, legacyHeaders, modernRequest, readResponse, resultText } from "../support/mcp-wire";
import { githubRequests } from "../support/standin";
import { call, connect, flow, issueTokens, newUser, ORIGIN, standIn, type TestClient, userProps } from "./harness";
import { workerSend } from "./worker-send";

// Several tests loop over real MCP round trips, which slow down when other test files run alongside.
vi.setConfig({ testTimeout: 30_000 });

const DAY_MS = 24 * 60 * 60 * 1000;
const IDLE_DAYS = readConfig(env).sessionIdleDays;

/** The Durable Object of a 2025-era client's session (named by the id inside the signed one it was given). */
function sessionStub(client: TestClient): DurableObjectStub<GitHubMcpAgent> {
	const signed = (client as unknown as { transport?: { sessionId?: string } }).transport?.sessionId ?? "";
	const inner = signed.slice(0, signed.indexOf("."));
	if (!inner) throw new Error("the client has no session");
	return env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(`streamable-http:${inner}`));
}

async function counterOf(client: TestClient): Promise<number> {
	return Number((await client.readResource({ uri: "counter://session" })).contents[0]?.text);
}

async function add(client: TestClient, amount: number): Promise<number> {
	return Number((await client.callTool({ name: "add_to_counter", arguments: { amount } })).structuredContent?.counter);
}

/** Everything a session's Durable Object stores, as text: its key-value storage and every SQL table. */
async function storedText(stub: DurableObjectStub<GitHubMcpAgent>): Promise<{ keys: string[]; text: string }> {
	return runInDurableObject(stub, async (_instance, state) => {
		const entries = await state.storage.list();
		const tables = state.storage.sql
			.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
			.toArray()
			.map((row) => row.name);
		const rows = tables.map((table) => ({ table, rows: state.storage.sql.exec(`SELECT * FROM "${table}"`).toArray() }));
		return { keys: [...entries.keys()], text: JSON.stringify({ entries: [...entries], rows }) };
	});
}

describe("the 2025 lane: one McpAgent Durable Object per session", () => {
	it("keeps a counter per session: two sessions of the same user and token are independent", async () => {
		const token = (await issueTokens(await userProps(await newUser()))).accessToken;
		const first = await connect("legacy", token);
		const second = await connect("legacy", token);
		expect(await add(first, 5)).toBe(5);
		expect(await counterOf(second)).toBe(0);
		expect(await add(second, 2)).toBe(2);
		expect(await add(first, -1)).toBe(4);
		expect(await counterOf(second)).toBe(2);
		await first.close();
		await second.close();
	});

	it("keeps the counter when the session's Durable Object is evicted and starts again from storage", async () => {
		// Raw requests: an SDK client would also keep its GET stream open.
		const token = (await issueTokens(await userProps(await newUser()))).accessToken;
		const opened = await call("/mcp", { method: "POST", body: initializeBody(), headers: legacyHeaders(token) });
		const sessionId = opened.headers.get("Mcp-Session-Id") ?? "";
		await readResponse(opened);
		await call("/mcp", {
			method: "POST",
			body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
			headers: legacyHeaders(token, sessionId),
		});
		let id = 1;
		const addRaw = async (amount: number) => {
			id += 1;
			const body = JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "add_to_counter", arguments: { amount } } });
			const message = await readResponse(await call("/mcp", { method: "POST", body, headers: legacyHeaders(token, sessionId) }), id);
			return Number((message.result?.structuredContent as { counter?: number } | undefined)?.counter);
		};
		expect(await addRaw(5)).toBe(5);
		const stub = env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(`streamable-http:${sessionId.slice(0, sessionId.indexOf("."))}`));
		// Eviction waits for the session's in-flight requests to drain; agents' internal WebSocket of
		// each POST lingers after its response, so this takes the runtime's drain timeout (~15 s).
		await evictDurableObject(stub);
		expect(await addRaw(1)).toBe(6);
	}, 40_000);

	it("caches GitHub responses per session: the second identical read is a conditional request GitHub answers 304", async () => {
		const user = await newUser();
		const props = await userProps(user);
		const client = await connect("legacy", (await issueTokens(props)).accessToken);
		const args = { owner: user.login, repo: "scratch-etag" };
		const first = await client.callTool({ name: "get_repo", arguments: args });
		const second = await client.callTool({ name: "get_repo", arguments: args });
		expect(second.structuredContent).toEqual(first.structuredContent);
		const reads = (await githubRequests(standIn().baseUrl, props.upstream.accessToken)).filter((request) =>
			request.path.startsWith(`/repos/${user.login}/scratch-etag`),
		);
		expect(reads.map(({ status, conditional }) => ({ status, conditional }))).toEqual([
			{ status: 200, conditional: false },
			{ status: 304, conditional: true },
		]);
		// The cache is the session's: another session asks GitHub afresh.
		const other = await connect("legacy", (await issueTokens(props)).accessToken);
		await other.callTool({ name: "get_repo", arguments: args });
		const all = (await githubRequests(standIn().baseUrl, props.upstream.accessToken)).filter((request) =>
			request.path.startsWith(`/repos/${user.login}/scratch-etag`),
		);
		expect(all.at(-1)).toMatchObject({ status: 200, conditional: false });
		await client.close();
		await other.close();
	});

	it("stores no GitHub token: its props hold only { v: 2, grant }, and nothing it stores contains a token", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const props = await userProps(user);
		const tokens = await issueTokens(props);
		const client = await connect("legacy", tokens.accessToken);
		await client.callTool({ name: "get_repo", arguments: { owner: user.login, repo: "scratch-props" } });
		await add(client, 1);
		const stub = sessionStub(client);
		const stored = await runInDurableObject(stub, (instance) => instance.props);
		expect(stored).toEqual({ v: 2, grant: { userId: user.id, grantId: expect.any(String), clientId: tokens.clientId } });
		expect(tokens.accessToken.split(":")[1]).toBe((stored as { grant: { grantId: string } }).grant.grantId);
		const { text } = await storedText(stub);
		for (const secret of [props.upstream.accessToken, tokens.accessToken, tokens.refreshToken]) expect(text).not.toContain(secret);
		await client.close();
	});

	it("uses the caller of each request: after a token refresh, the same open session sees the new scopes", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const { clientId, refreshToken } = await issueTokens(await userProps(user));
		async function refresh(token: string, scope?: string) {
			const response = await flow.refresh(clientId, token, scope ? { scope } : {});
			expect(response.status).toBe(200);
			return (await response.json()) as { access_token: string; refresh_token: string; scope: string };
		}
		// The client narrows its token to github:read at a refresh (RFC 6749 §6) ...
		const narrowed = await refresh(refreshToken, "github:read");
		let current = narrowed.access_token;
		const client = await connect("legacy", () => current);
		const sessionId = (client as unknown as { transport: { sessionId?: string } }).transport.sessionId;
		const whoami = async () => (await client.callTool({ name: "whoami", arguments: {} })).structuredContent?.scopes;
		const listed = async () => (await client.listTools()).tools.map((tool) => tool.name);
		expect(await whoami()).toEqual(["github:read"]);
		expect(await listed()).toEqual(TOOLS.filter((tool) => tool.scope === null || tool.scope === "github:read").map((tool) => tool.name));

		// ... and steps up to the grant's every scope at the next: the session follows.
		const widened = await refresh(narrowed.refresh_token);
		current = widened.access_token;
		expect(await whoami()).toEqual(ALL_MCP_SCOPES);
		expect(await listed()).toEqual(TOOLS.map((tool) => tool.name));

		// ... and back down: the write tools leave the list again.
		current = (await refresh(widened.refresh_token, "github:read github:private")).access_token;
		expect(await whoami()).toEqual(["github:read", "github:private"]);
		const names = await listed();
		for (const tool of TOOLS.filter((candidate) => candidate.scope === "github:write")) expect(names).not.toContain(tool.name);
		expect((client as unknown as { transport: { sessionId?: string } }).transport.sessionId).toBe(sessionId);
		await client.close();
	});

	it("deletes its storage once idle for SESSION_IDLE_DAYS, and a recent request postpones that", async () => {
		const client = await connect("legacy", (await issueTokens(await userProps(await newUser()))).accessToken);
		await add(client, 3);
		const stub = sessionStub(client);
		expect((await storedText(stub)).keys).toEqual(expect.arrayContaining(["lastActivity", "cleanupAt", "props"]));

		// Active a day short of the limit: still kept, and the cleanup moves to the new deadline.
		const recent = Date.now() - (IDLE_DAYS - 1) * DAY_MS;
		await runInDurableObject(stub, async (instance, state) => {
			await state.storage.put("lastActivity", recent);
			await instance.expireIfIdle();
		});
		const kept = await runInDurableObject(stub, async (_instance, state) => ({
			cleanupAt: await state.storage.get<number>("cleanupAt"),
			props: await state.storage.get("props"),
		}));
		expect(kept.props).toBeDefined();
		expect(kept.cleanupAt).toBeGreaterThan(Date.now() + DAY_MS - 60_000);
		expect(kept.cleanupAt).toBeLessThanOrEqual(recent + IDLE_DAYS * DAY_MS + 60_000);
		expect(await counterOf(client)).toBe(3);

		// Idle past the limit: everything goes, and the session is unknown from then on.
		await runInDurableObject(stub, async (instance, state) => {
			await state.storage.put("lastActivity", Date.now() - (IDLE_DAYS + 1) * DAY_MS);
			await instance.expireIfIdle();
		}).catch(() => {
			// destroy() ends the object right after deleting its storage.
		});
		const after = await storedText(stub);
		expect(
			after.keys.filter((key) => ["props", "lastActivity", "cleanupAt", "initializeRequest", "cf_agents_state"].includes(key)),
		).toEqual([]);
		await expect(client.callTool({ name: "whoami", arguments: {} })).rejects.toThrow();
		await client.close().catch(() => {});
	});

	it("answers a call that finds GitHub's access gone, then deletes itself (regression: ending the grant destroyed the session mid-call)", async () => {
		const user = await newUser();
		// A listing with a good token first, so the allow-list's answer is known without GitHub.
		const warm = await connect("legacy", (await issueTokens(await userProps(user))).accessToken);
		await warm.listTools();
		await warm.close();
		const client = await connect("legacy", (await issueTokens(await userProps(user, "unauthorized"))).accessToken);
		const stub = sessionStub(client);
		const result = await client.callTool({ name: "get_repo", arguments: { owner: user.login, repo: "scratch-ended" } });
		expect(result.isError).toBe(true);
		expect(resultText(result)).toContain("GitHub no longer accepts this connection's sign-in");
		// The grant's end deleted the session's storage while the call was answered.
		const after = await storedText(stub);
		expect(after.keys.filter((key) => ["props", "initializeRequest", "lastActivity"].includes(key))).toEqual([]);
		await client.close().catch(() => {});
	});
});

describe("the 2026-07-28 lane: no session", () => {
	it("keeps the counter per user: two clients of the same user share it, another user does not", async () => {
		const user = await newUser();
		const first = await connect("modern", (await issueTokens(await userProps(user))).accessToken);
		const second = await connect("modern", (await issueTokens(await userProps(user))).accessToken);
		const stranger = await connect("modern", (await issueTokens(await userProps(await newUser()))).accessToken);
		expect(await add(first, 5)).toBe(5);
		expect(await counterOf(second)).toBe(5);
		expect(await add(second, 2)).toBe(7);
		expect(await counterOf(first)).toBe(7);
		expect(await counterOf(stranger)).toBe(0);
		for (const client of [first, second, stranger]) await client.close();
	});

	it("caches GitHub responses per user: a second identical read, even from another client, is answered 304", async () => {
		const user = await newUser();
		const props = await userProps(user);
		const first = await connect("modern", (await issueTokens(props)).accessToken);
		const second = await connect("modern", (await issueTokens(props)).accessToken);
		const args = { owner: user.login, repo: "scratch-etag" };
		const one = await first.callTool({ name: "get_repo", arguments: args });
		const two = await second.callTool({ name: "get_repo", arguments: args });
		expect(two.structuredContent).toEqual(one.structuredContent);
		const reads = (await githubRequests(standIn().baseUrl, props.upstream.accessToken)).filter((request) =>
			request.path.startsWith(`/repos/${user.login}/scratch-etag`),
		);
		expect(reads.map(({ status, conditional }) => ({ status, conditional }))).toEqual([
			{ status: 200, conditional: false },
			{ status: 304, conditional: true },
		]);
		await first.close();
		await second.close();
	});

	it("keeps a cached GitHub response at most 7 days, even when the user stops calling", async () => {
		const user = await newUser();
		const client = await connect("modern", (await issueTokens(await userProps(user))).accessToken);
		await client.callTool({ name: "get_repo", arguments: { owner: user.login, repo: "scratch-aging" } });
		await client.close();
		const stub = env.USER_STORE.get(env.USER_STORE.idFromName(`user:${user.id}`));
		const count = () =>
			runInDurableObject(stub, (_instance, state) => state.storage.sql.exec("SELECT url FROM github_cache").toArray().length);
		expect(await count()).toBe(1);
		// A day's check was scheduled with the entry; it keeps what is younger than 7 days.
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(await count()).toBe(1);
		await runInDurableObject(stub, (_instance, state) => {
			state.storage.sql.exec("UPDATE github_cache SET stored_at = ?", Date.now() - 7 * 24 * 60 * 60 * 1000 - 1000);
		});
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(await count()).toBe(0);
	});
});

/** A namespace binding that records every use (and, with `refuse`, fails it). */
function watched(name: string, namespace: DurableObjectNamespace, uses: string[], refuse: boolean): DurableObjectNamespace {
	return new Proxy(namespace, {
		get(target, property) {
			const value = Reflect.get(target, property, target);
			if (typeof value !== "function") return value;
			return (...args: unknown[]) => {
				if (refuse) {
					uses.push(`${name}.${String(property)}`);
					throw new Error(`${name} must not be used here`);
				}
				const result = value.apply(target, args);
				if (property !== "get" && property !== "getByName") return result;
				// A stub: record the methods called on it.
				return new Proxy(result as object, {
					get(stub, method) {
						const member = Reflect.get(stub, method, stub);
						if (typeof member !== "function") return member;
						return (...callArgs: unknown[]) => {
							uses.push(`${name}.${String(method)}`);
							return member.apply(stub, callArgs);
						};
					},
				});
			};
		},
	});
}

/** Sends one raw 2026-07-28 request with the Durable Object bindings watched. */
async function modernCall(token: string, method: string, params: Record<string, unknown>, refuse: boolean) {
	const uses: string[] = [];
	const send = workerSend({
		USER_STORE: watched("USER_STORE", env.USER_STORE as unknown as DurableObjectNamespace, uses, refuse),
		GRANT_STORE: watched("GRANT_STORE", env.GRANT_STORE as unknown as DurableObjectNamespace, uses, refuse),
		MCP_OBJECT: watched("MCP_OBJECT", env.MCP_OBJECT as unknown as DurableObjectNamespace, uses, refuse),
	});
	const request = modernRequest(method, params);
	const response = await send(
		new Request(new URL("/mcp", ORIGIN), {
			method: "POST",
			body: request.body,
			headers: { ...request.headers, Authorization: `Bearer ${token}` },
		}),
	);
	expect(response.status).toBe(200);
	return { message: await readResponse(response), uses };
}

describe("the 2026-07-28 lane reaches a Durable Object only for state", () => {
	const STATELESS_TOOLS = TOOLS.filter((tool) => tool.annotations.openWorldHint === false && !isWriteTool(tool)).map((tool) => tool.name);

	it.each(STATELESS_TOOLS)("%s: answered with every Durable Object binding refusing, and no GitHub request", async (name) => {
		// A new user: nothing about them is cached in this isolate.
		const props = await userProps(await newUser({ orgs: ["octo-org"] }));
		const token = (await issueTokens(props)).accessToken;
		const { message, uses } = await modernCall(token, "tools/call", { name, arguments: name === "add" ? { a: 1, b: 2 } : {} }, true);
		expect(message.result?.isError, JSON.stringify(message)).toBeFalsy();
		expect(uses).toEqual([]);
		expect(await githubRequests(standIn().baseUrl, props.upstream.accessToken)).toEqual([]);
	});

	it("the GitHub read tools use the user's store for their response cache only, never a session or the grant's store", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const token = (await issueTokens(await userProps(user))).accessToken;
		for (const tool of TOOLS.filter((candidate) => candidate.annotations.openWorldHint === true && !isWriteTool(candidate))) {
			const args: Record<string, Record<string, unknown>> = {
				list_repos: {},
				search_issues: { query: `repo:${user.login}/scratch-do` },
			};
			const { message, uses } = await modernCall(
				token,
				"tools/call",
				{ name: tool.name, arguments: args[tool.name] ?? { owner: user.login, repo: "scratch-do", number: 1, path: "README.md" } },
				false,
			);
			expect(message.result, tool.name).toBeDefined();
			expect(uses.length, tool.name).toBeGreaterThan(0);
			for (const use of uses) expect(["USER_STORE.cacheGet", "USER_STORE.cacheSet"], `${tool.name}: ${use}`).toContain(use);
		}
	});
});

describe("the Durable Object jurisdiction (MCP_JURISDICTION)", () => {
	/** A namespace that records the jurisdictions asked for and serves them from the local one (workerd has none). */
	function recording(namespace: DurableObjectNamespace, requested: string[]): DurableObjectNamespace {
		return new Proxy(namespace, {
			get(target, property) {
				if (property === "jurisdiction") {
					return (name: string) => {
						requested.push(name);
						return target;
					};
				}
				const value = Reflect.get(target, property, target);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
	}

	it("places a new session, and its grant's store, through the configured jurisdiction", async () => {
		const sessions: string[] = [];
		const grants: string[] = [];
		const send = workerSend({
			MCP_JURISDICTION: "eu",
			MCP_OBJECT: recording(env.MCP_OBJECT as unknown as DurableObjectNamespace, sessions),
			GRANT_STORE: recording(env.GRANT_STORE as unknown as DurableObjectNamespace, grants),
		});
		const token = (await issueTokens(await userProps(await newUser()))).accessToken;
		const response = await send(
			new Request(new URL("/mcp", ORIGIN), { method: "POST", body: initializeBody(), headers: legacyHeaders(token) }),
		);
		expect(response.status).toBe(200);
		expect((await readResponse(response)).result).toHaveProperty("serverInfo");
		expect(sessions).toContain("eu");
		expect(grants).toContain("eu");
	});

	it("refuses an unknown jurisdiction with a configuration error that names the setting", async () => {
		const send = workerSend({ MCP_JURISDICTION: "mars" });
		const token = (await issueTokens(await userProps(await newUser()))).accessToken;
		const response = await send(
			new Request(new URL("/mcp", ORIGIN), { method: "POST", body: initializeBody(), headers: legacyHeaders(token) }),
		);
		expect(response.status).toBe(500);
		expect(await response.text()).toContain("MCP_JURISDICTION must be empty");
	});
});
