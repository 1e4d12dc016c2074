/**
 * Limits, with the platform's own tools: tool calls per user (the TOOL_CALL_RATE_LIMITER rate
 * limiting binding), open MCP sessions per grant (GrantStore, MAX_SESSIONS_PER_GRANT), and client
 * registrations per address (REGISTRATION_RATE_LIMITER). Over a limit: 429 with Retry-After and an
 * error a client can show; nothing of the refused request happens, and everything works again
 * once the limit allows.
 *
 * The tool-call test swaps in TEST_TOOL_CALL_RATE_LIMITER (vitest.config.ts: 3 calls per 10 s) for
 * the real binding's 120 per 60 s, and every test signs in users of its own, so no limit is shared
 * with another test.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_LISTEN_STREAMS_PER_USER } from "../../src/mcp/lanes/listen-streams";
import type { GrantStore } from "../../src/state/grant-store";
import { fromAddress, testAddress } from "../support/client-address";
import { countKeys } from "../support/kv";
import { type LaneReply, openRawLane, type RawLane, WIRE_LANES } from "../support/mcp-lanes";
import { discard, initializeBody, legacyHeaders, modernRequest, readMessages } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { createStandInUser, mintGithubToken, type StandInUser } from "../support/standin";
import { grantProps } from "../support/users";
import { issueTokens, ORIGIN, standIn } from "./harness";
import { workerSend } from "./worker-send";

const TEST_LIMIT = 3;
const TEST_PERIOD_MS = 10_000;
const testLimiter = (env as unknown as { TEST_TOOL_CALL_RATE_LIMITER: RateLimit }).TEST_TOOL_CALL_RATE_LIMITER;

async function newUser(): Promise<StandInUser> {
	return createStandInUser(standIn().baseUrl, { orgs: ["octo-org"] });
}

async function grantOf(user: StandInUser) {
	const githubToken = await mintGithubToken(standIn().baseUrl, user.login);
	const tokens = await issueTokens(grantProps(user, { accessToken: githubToken, scopes: ["repo"] }));
	const [userId = "", grantId = ""] = tokens.accessToken.split(":");
	return { ...tokens, userId, grantId };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The limiter's windows are aligned to the wall clock: start where a whole window lies ahead. */
async function atWindowStart(): Promise<void> {
	await sleep(TEST_PERIOD_MS - (Date.now() % TEST_PERIOD_MS) + 50);
}

function counterOf(reply: LaneReply): unknown {
	return (reply.message?.result?.structuredContent as { counter?: number } | undefined)?.counter;
}

async function replyOf(response: Response): Promise<LaneReply> {
	return { status: response.status, headers: response.headers, body: await response.text() };
}

function expectOverLimit(reply: LaneReply, limit: string): number {
	expect(reply.status, reply.body.slice(0, 200)).toBe(429);
	const retryAfter = Number(reply.headers.get("Retry-After"));
	expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
	const body = JSON.parse(reply.body) as {
		jsonrpc: string;
		error: { code: number; message: string; data: { limit: string; retryAfterSeconds: number } };
	};
	expect(body.jsonrpc).toBe("2.0");
	expect(body.error.code).toBe(-32029);
	expect(body.error.data).toEqual({ limit, retryAfterSeconds: retryAfter });
	return retryAfter;
}

describe("tool calls per user (TOOL_CALL_RATE_LIMITER)", () => {
	it("over the limit, every lane answers 429 with Retry-After and a JSON-RPC error; nothing is lost, and calls work again after the period", {
		timeout: 60_000,
	}, async () => {
		const send = workerSend({ TOOL_CALL_RATE_LIMITER: testLimiter });
		const lanes: RawLane[] = [];
		for (const kind of WIRE_LANES)
			lanes.push(await openRawLane(kind, { send, origin: ORIGIN, token: (await grantOf(await newUser())).accessToken }));
		// A second client of the first lane's user shares that user's limit.
		const sameUser = await openRawLane("modern", {
			send,
			origin: ORIGIN,
			token: lanes[0] ? (await issueSecondGrant(lanes[0])).accessToken : "",
		});

		await atWindowStart();
		for (const lane of lanes) {
			for (let call = 1; call <= TEST_LIMIT; call++) {
				expect(counterOf(await lane.request("tools/call", { name: "add_to_counter", arguments: { amount: 1 } })), lane.kind).toBe(call);
			}
			const refused = await lane.request("tools/call", { name: "add_to_counter", arguments: { amount: 100 } });
			expect(expectOverLimit(refused, "TOOL_CALL_RATE_LIMITER")).toBeLessThanOrEqual(60);
			// Not a tool call: not limited.
			expect((await lane.request("tools/list")).message?.result?.tools).toBeDefined();
		}
		expectOverLimit(await sameUser.request("tools/call", { name: "add", arguments: { a: 1, b: 1 } }), "TOOL_CALL_RATE_LIMITER");

		await atWindowStart();
		for (const lane of lanes) {
			// The refused call added nothing; the session (legacy lanes) is still open.
			expect(counterOf(await lane.request("tools/call", { name: "add_to_counter", arguments: { amount: 1 } })), lane.kind).toBe(
				TEST_LIMIT + 1,
			);
		}
		expect((await sameUser.request("tools/call", { name: "add", arguments: { a: 1, b: 1 } })).message?.result?.content).toEqual([
			{ type: "text", text: "2" },
		]);
		for (const lane of [...lanes, sameUser]) await lane.close();
	});

	it("counts every call of a batch (2025-03-26): a batch over the limit is refused whole and runs nothing", {
		timeout: 60_000,
	}, async () => {
		const send = workerSend({ TOOL_CALL_RATE_LIMITER: testLimiter });
		const lane = await openRawLane("legacy-mcp", {
			send,
			origin: ORIGIN,
			token: (await grantOf(await newUser())).accessToken,
			version: "2025-03-26",
		});
		const batchOf = (size: number, firstId: number) =>
			JSON.stringify(
				Array.from({ length: size }, (_, i) => ({
					jsonrpc: "2.0",
					id: firstId + i,
					method: "tools/call",
					params: { name: "add_to_counter", arguments: { amount: 1 } },
				})),
			);
		const countersOf = async (reply: LaneReply) =>
			(await readMessages(new Response(reply.body, { headers: reply.headers })))
				.map((message) => (message.result?.structuredContent as { counter?: number } | undefined)?.counter)
				.sort();

		await atWindowStart();
		const full = await lane.post(batchOf(TEST_LIMIT, 100));
		expect(full.status).toBe(200);
		expect(await countersOf(full)).toEqual([1, 2, 3]);
		// The batch used the whole limit: the next call is over it.
		expectOverLimit(await lane.request("tools/call", { name: "add", arguments: { a: 1, b: 1 } }), "TOOL_CALL_RATE_LIMITER");

		await atWindowStart();
		expectOverLimit(await lane.post(batchOf(TEST_LIMIT + 1, 200)), "TOOL_CALL_RATE_LIMITER");
		await atWindowStart();
		// Nothing of the refused batch ran.
		expect(counterOf(await lane.request("tools/call", { name: "add_to_counter", arguments: { amount: 1 } }))).toBe(TEST_LIMIT + 1);
		await lane.close();
	});

	it("resource reads and completions count against the same limit as tool calls, on every lane", { timeout: 60_000 }, async () => {
		const send = workerSend({ TOOL_CALL_RATE_LIMITER: testLimiter });
		const lanes: RawLane[] = [];
		for (const kind of WIRE_LANES)
			lanes.push(await openRawLane(kind, { send, origin: ORIGIN, token: (await grantOf(await newUser())).accessToken }));
		const work: [string, Record<string, unknown>][] = [
			["resources/read", { uri: "github://repos/octocat/repo-a-0/issues/1" }],
			["completion/complete", { ref: { type: "ref/prompt", name: "triage_issues" }, argument: { name: "owner", value: "oct" } }],
			["resources/read", { uri: "counter://session" }],
		];
		expect(work).toHaveLength(TEST_LIMIT);

		await atWindowStart();
		for (const lane of lanes) {
			for (const [method, params] of work) {
				const reply = await lane.request(method, params);
				expect(reply.message?.result, `${lane.kind} ${method}: ${reply.body.slice(0, 200)}`).toBeDefined();
			}
			for (const [method, params] of [["tools/call", { name: "add", arguments: { a: 1, b: 1 } }], ...work] as const) {
				expectOverLimit(await lane.request(method, params), "TOOL_CALL_RATE_LIMITER");
			}
			// Listing reads only this server's definitions: not counted.
			expect((await lane.request("resources/list")).message?.result?.resources).toBeDefined();
		}
		for (const lane of lanes) await lane.close();
	});

	it("new sessions and subscriptions count too: a loop of initialize and DELETE is bounded", { timeout: 60_000 }, async () => {
		const send = workerSend({ TOOL_CALL_RATE_LIMITER: testLimiter });
		const token = (await grantOf(await newUser())).accessToken;
		await atWindowStart();
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token }); // initialize: 1
		expect((await lane.request("resources/subscribe", { uri: "counter://session" })).message?.result).toEqual({}); // 2
		expect((await lane.request("resources/unsubscribe", { uri: "counter://session" })).message?.result).toEqual({}); // 3
		const initialize = await send(
			new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: legacyHeaders(token), body: initializeBody() }),
		);
		expectOverLimit(await replyOf(initialize), "TOOL_CALL_RATE_LIMITER");
		const sse = await send(
			new Request(new URL("/sse", ORIGIN), { headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" } }),
		);
		expectOverLimit(await replyOf(sse), "TOOL_CALL_RATE_LIMITER");
		// The open session still answers what is not counted.
		expect((await lane.request("tools/list")).message?.result?.tools).toBeDefined();
		await lane.close();

		// 2026-07-28: a subscriptions/listen stream counts like a subscription.
		const modern = await openRawLane("modern", { send, origin: ORIGIN, token: (await grantOf(await newUser())).accessToken });
		for (let call = 1; call <= TEST_LIMIT; call++)
			expect((await modern.request("tools/call", { name: "add", arguments: { a: 1, b: 1 } })).status).toBe(200);
		const listen = await modern.request("subscriptions/listen", { notifications: { toolsListChanged: true } });
		expectOverLimit(listen, "TOOL_CALL_RATE_LIMITER");
		await modern.close();
	});

	it("one user over the limit does not limit another", async () => {
		const send = workerSend({ TOOL_CALL_RATE_LIMITER: testLimiter });
		const limited = await openRawLane("modern", { send, origin: ORIGIN, token: (await grantOf(await newUser())).accessToken });
		const other = await openRawLane("modern", { send, origin: ORIGIN, token: (await grantOf(await newUser())).accessToken });
		let refused = false;
		for (let call = 0; call <= TEST_LIMIT * 2 && !refused; call++)
			refused = (await limited.request("tools/call", { name: "add", arguments: { a: 1, b: 1 } })).status === 429;
		expect(refused).toBe(true);
		expect((await other.request("tools/call", { name: "add", arguments: { a: 1, b: 1 } })).status).toBe(200);
	});
});

describe("open subscriptions/listen streams per user (MAX_LISTEN_STREAMS_PER_USER)", () => {
	const send = workerSend();

	async function listen(accessToken: string, notifications: unknown = { toolsListChanged: true }): Promise<Response> {
		const request = modernRequest("subscriptions/listen", { notifications });
		return send(
			new Request(new URL("/mcp", ORIGIN), {
				method: "POST",
				headers: { ...request.headers, Authorization: `Bearer ${accessToken}` },
				body: request.body,
			}),
		);
	}

	function expectStream(response: Response): Response {
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
		return response;
	}

	it("holds a few open streams per user; one more is refused until one ends, and other users are not affected", async () => {
		const person = await newUser();
		const user = (await grantOf(person)).accessToken;
		const other = (await grantOf(await newUser())).accessToken;
		const held: Response[] = [];
		for (let i = 0; i < MAX_LISTEN_STREAMS_PER_USER; i++) held.push(expectStream(await listen(user)));
		expectOverLimit(await replyOf(await listen(user)), "MAX_LISTEN_STREAMS_PER_USER");
		// The same user through another client (grant) shares the user's places.
		expectOverLimit(await replyOf(await listen((await grantOf(person)).accessToken)), "MAX_LISTEN_STREAMS_PER_USER");

		const others = expectStream(await listen(other));
		await others.body?.cancel();

		// A client that goes away frees its place at once.
		await held.pop()?.body?.cancel();
		held.push(expectStream(await listen(user)));
		expectOverLimit(await replyOf(await listen(user)), "MAX_LISTEN_STREAMS_PER_USER");
		for (const response of held) await response.body?.cancel();
		const again = expectStream(await listen(user));
		await again.body?.cancel();
	});

	it("takes no place for a listen request that is refused", async () => {
		const user = (await grantOf(await newUser())).accessToken;
		for (let i = 0; i <= MAX_LISTEN_STREAMS_PER_USER; i++) {
			const refused = await listen(user, "not a filter");
			expect(refused.headers.get("Content-Type")).not.toMatch(/event-stream/);
			await refused.text();
		}
		const held: Response[] = [];
		for (let i = 0; i < MAX_LISTEN_STREAMS_PER_USER; i++) held.push(expectStream(await listen(user)));
		for (const response of held) await response.body?.cancel();
	});
});

/** Another grant (client) of the user a lane is signed in as. */
async function issueSecondGrant(lane: RawLane) {
	const reply = await lane.request("tools/call", { name: "whoami", arguments: {} });
	const identity = reply.message?.result?.structuredContent as { id: string; login: string };
	return grantOf({ id: identity.id, login: identity.login, name: null, email: null });
}

describe("open sessions per grant (MAX_SESSIONS_PER_GRANT)", () => {
	const send = workerSend({ MAX_SESSIONS_PER_GRANT: "2" });

	async function initialize(accessToken: string): Promise<Response> {
		return send(new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: legacyHeaders(accessToken), body: initializeBody() }));
	}

	async function sessionsOf(grant: { userId: string; grantId: string }): Promise<string[]> {
		const stub = env.GRANT_STORE.get(env.GRANT_STORE.idFromName(`${grant.userId}:${grant.grantId}`));
		return runInDurableObject(stub, (store: GrantStore) => store.listSessions());
	}

	it("over the cap, a new session on /mcp or /sse gets 429 with Retry-After; closing one makes room; other grants and the 2026-07-28 lane are not capped", async () => {
		const user = await newUser();
		const grant = await grantOf(user);
		const first = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: grant.accessToken });
		const second = await openRawLane("legacy-sse", { send, origin: ORIGIN, token: grant.accessToken });
		expect(await sessionsOf(grant)).toHaveLength(2);

		const refusedMcp = await initialize(grant.accessToken);
		const retryAfter = expectOverLimit(
			{ status: refusedMcp.status, headers: refusedMcp.headers, body: await refusedMcp.text() },
			"MAX_SESSIONS_PER_GRANT",
		);
		expect(retryAfter).toBeGreaterThan(60);
		expect(refusedMcp.headers.get("mcp-session-id")).toBeNull();
		const refusedSse = await send(
			new Request(new URL("/sse", ORIGIN), { headers: { Authorization: `Bearer ${grant.accessToken}`, Accept: "text/event-stream" } }),
		);
		expectOverLimit({ status: refusedSse.status, headers: refusedSse.headers, body: await refusedSse.text() }, "MAX_SESSIONS_PER_GRANT");
		expect(await sessionsOf(grant)).toHaveLength(2);

		// The open sessions keep working.
		for (const lane of [first, second])
			expect((await lane.request("tools/call", { name: "add", arguments: { a: 1, b: 2 } })).message?.result?.content).toEqual([
				{ type: "text", text: "3" },
			]);
		// Another client of the same user has a cap of its own; the stateless lane has no sessions.
		const other = await grantOf(user);
		const otherInit = await initialize(other.accessToken);
		expect(otherInit.status).toBe(200);
		await discard(otherInit);
		const modern = await openRawLane("modern", { send, origin: ORIGIN, token: grant.accessToken });
		for (let call = 0; call < 4; call++) expect((await modern.request("tools/list")).status).toBe(200);

		// Closing a session (DELETE) makes room.
		await first.close();
		expect(await sessionsOf(grant)).toHaveLength(1);
		const again = await initialize(grant.accessToken);
		expect(again.status).toBe(200);
		await discard(again);
		await second.close();
	});

	it.each(["1", "3"])("MAX_SESSIONS_PER_GRANT=%s allows exactly that many", async (max) => {
		const capped = workerSend({ MAX_SESSIONS_PER_GRANT: max });
		const grant = await grantOf(await newUser());
		const statuses: number[] = [];
		for (let open = 0; open <= Number(max); open++) {
			const response = await capped(
				new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: legacyHeaders(grant.accessToken), body: initializeBody() }),
			);
			statuses.push(response.status);
			await discard(response);
		}
		expect(statuses).toEqual([...Array(Number(max)).fill(200), 429]);
	});
});

describe("client registrations per address (REGISTRATION_RATE_LIMITER)", () => {
	it("the eleventh registration within a minute from one address gets 429 with Retry-After and stores nothing; another address still registers", async () => {
		const address = testAddress();
		const flow = new OAuthFlow({ origin: ORIGIN, send: fromAddress(workerSend(), address) });
		for (let registration = 0; registration < 10; registration++) await flow.register();
		const clients = await countKeys(env.OAUTH_KV, "client:");
		const refused = await flow.request("/register", {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ client_name: "one too many", redirect_uris: ["http://127.0.0.1:1/cb"], token_endpoint_auth_method: "none" }),
		});
		expect(refused.status).toBe(429);
		expect(refused.headers.get("Retry-After")).toBe("60");
		expect(await refused.json()).toMatchObject({ error: "temporarily_unavailable" });
		expect(await countKeys(env.OAUTH_KV, "client:")).toBe(clients);
		await new OAuthFlow({ origin: ORIGIN, send: fromAddress(workerSend(), testAddress()) }).register();
	});

	it("IPv6 addresses count by their /64: ten registrations from ten addresses of one /64 use it up", async () => {
		// testAddress() is 2001:db8:a:b:c:d::1; its /64 is 2001:db8:a:b::/64.
		const prefix = testAddress().split(":").slice(0, 4);
		const inPrefix = (i: number) => {
			const spellings = [
				`${prefix.join(":")}:${i.toString(16)}::1`,
				`${prefix.join(":").toUpperCase()}:0:0:${i.toString(16)}:2`,
				`${prefix.join(":")}::${i.toString(16)}`,
			];
			return spellings[i % spellings.length] ?? "";
		};
		for (let i = 1; i <= 10; i++) await new OAuthFlow({ origin: ORIGIN, send: fromAddress(workerSend(), inPrefix(i)) }).register();
		const refused = await fromAddress(
			workerSend(),
			inPrefix(11),
		)(
			new Request(new URL("/register", ORIGIN), {
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify({ client_name: "same /64", redirect_uris: ["http://127.0.0.1:1/cb"], token_endpoint_auth_method: "none" }),
			}),
		);
		expect(refused.status).toBe(429);
		// Another /64 of the same /48 still registers.
		const neighbour = [...prefix.slice(0, 3), ((Number.parseInt(prefix[3] ?? "0", 16) + 1) % 0x10000).toString(16)].join(":");
		await new OAuthFlow({ origin: ORIGIN, send: fromAddress(workerSend(), `${neighbour}::1`) }).register();
	});
});
