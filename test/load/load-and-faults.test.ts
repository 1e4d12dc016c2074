/**
 * `npm run test:load`: many MCP sessions at once against a real `wrangler dev`, while "GitHub"
 * misbehaves and every Durable Object is restarted in the middle of the run.
 *
 * What runs:
 * - 18 stand-in users, each signed in through the real OAuth flow (registration, consent, the
 *   stand-in's sign-in page, /callback, the token exchange), each with four clients of the
 *   official SDKs: two MCP 2025-11-25 sessions over Streamable HTTP (/mcp) and one over HTTP+SSE
 *   (/sse), all on the McpAgent lane (54 sessions, one Durable Object each), and one MCP 2026-07-28
 *   client on the stateless lane. All 72 run at once for 75 seconds.
 * - Each client loops over a mix in its own scratch repository: reads (repository, issues, a file,
 *   search, its user), confirmed writes (create_issue, add_issue_comment; the client accepts the
 *   confirmation form; each write carries a marker of its own) and add_to_counter.
 * - The GitHub stand-in's fault schedule, per user (REST calls only): for most users latency with
 *   jitter, 5xx, connection resets and rate limits (403 and 429) on about one call in eight; for two
 *   users a GitHub so slow that many calls outlast the Worker's 15 s GitHub timeout, so writes end
 *   as "unknown" although the stand-in carries them out a moment later.
 * - A third of the way in, wrangler dev is killed (SIGKILL, wrangler and workerd at once, as in a
 *   crash) and started again on the same port with the same local storage (--persist-to). There is
 *   no API to evict one Durable Object under wrangler dev; this restarts every one of them, cuts
 *   every call in flight and drops every connection, which is the harder case. Sessions, counters,
 *   grants and tokens must survive it. Streamable HTTP clients keep their Mcp-Session-Id, as the
 *   SDK does; SSE clients reconnect to their session id (GET /sse?sessionId=…) and initialize again
 *   there (the SDK's own EventSource would reconnect to /sse and get a new, empty session).
 * - One more user goes over our limits on purpose, on the wire, after the restart: sessions per
 *   grant and tool calls per minute. Both must answer 429 with Retry-After, counted as "limited".
 *
 * Limits, so the run measures faults and not them. MAX_SESSIONS_PER_GRANT is set to exactly the
 * three 2025-lane sessions each grant opens: any reconnect that took a new place among the grant's
 * sessions (a stray new session, an SSE reconnect counted twice) would be refused, so "no load
 * client was ever refused for that limit" is asserted. The tool-call limit is a rate-limiting
 * binding (wrangler.jsonc, 120 a minute per user), not a setting, so the run spreads its calls over
 * enough users, and each user's clients share a pacer that keeps them under 100 calls in any 60
 * seconds; a 429 from it would be printed as "limited", not counted as a failure.
 *
 * What is asserted (correctness only: a loaded 2-core machine changes the figures, not these):
 * - our server never answers HTTP 5xx, including around the restart;
 * - every write a client saw "created" is in the stand-in exactly once, every write reported
 *   "unknown" (or left without an answer by a broken connection) at most once, every write reported
 *   as not done never, and nothing else was written: per scratch repository, the stand-in's issues
 *   and comments (by marker) and its write log against what the clients saw;
 * - no counter lost or doubled an addition across the restart (each answer must fit the values the
 *   counter may hold, given the calls whose answer was lost);
 * - no tool failed unexpectedly on our side, every session answers again at the end (none hung,
 *   none lost), no SSE client was moved to another session, and the limits part saw both 429s.
 * Everything else (calls per second, latency, errors by kind) is printed, not asserted.
 *
 * Why this shape, and what is left to other tests:
 * - One Durable Object at a time cannot be restarted under wrangler dev; inside workerd it can
 *   (ctx.abort(), evictDurableObject), and test/worker does so for single sessions
 *   (sse-restart-forgets-confirmation, agent). Here the whole server goes, which is what a deploy
 *   or a crashed machine does to every session on it.
 * - SIGKILL rather than a clean stop: both cut every call in flight, but only a kill also shows
 *   that what a client was told (a counter's total, a created issue) had been stored for good.
 * - Real SDK clients, because they are what users run; the harness adds only what the SDKs lack
 *   (an SSE client reconnecting to its session), and meters their fetch. Their own behaviour is
 *   part of the figures: a Streamable HTTP call cut by the restart waits for the client's timeout,
 *   because the SDK retries the broken stream twice, 2 s apart, and then stops trying but keeps
 *   the request open.
 * - The faults are the stand-in's, on REST calls only: signing in is never faulted, and "GitHub"
 *   stays up while our server restarts.
 * LOAD_DUMP=<file> also writes every call's record there, as JSON.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ALL_MCP_SCOPES } from "../../src/scopes";
import type { DevServer } from "../e2e/dev-server";
import { startDevServer } from "../e2e/dev-server";
import { OAuthFlow } from "../support/oauth-flow";
import { CALL_TIMEOUT_MS, call, drive, type LoadClient } from "./drive";
import { CounterTrack, checkWrites, WriteLedger } from "./ledger";
import { overTheSessionLimit, overTheToolCallLimit } from "./limits";
import { Pacer } from "./pacer";
import { bounded, type McpSession, type SessionOptions, sseSession, statelessSession, streamableSession } from "./sessions";
import { type Lane, Tally } from "./tally";
import { meteredFetch, newWireState } from "./wire";

const USERS = 18;
/** The last users of the list get the very slow GitHub. */
const SLOW_USERS = 2;
const CLIENTS_PER_USER: readonly Lane[] = ["streamable-http", "streamable-http", "sse", "stateless"];
const RUN_MS = 75_000;
const RESTART_AT_MS = 25_000;
const LIMITS_AT_MS = 45_000;
/** Under the tool-call limit (120 a minute per user), with room for requests that arrive late. */
const CALLS_PER_USER_PER_MINUTE = 100;
/** Exactly the 2025-lane sessions each user's grant opens. */
const MAX_SESSIONS_PER_GRANT = CLIENTS_PER_USER.filter((lane) => lane !== "stateless").length;

const WEATHER = { latencyMs: 30, latencyJitterMs: 300, serverErrorRate: 0.05, resetRate: 0.04, rateLimitRate: 0.04, retryAfterSeconds: 60 };
const SLOW = { latencyMs: 13_000, latencyJitterMs: 4_000, serverErrorRate: 0.02, resetRate: 0.02, rateLimitRate: 0 };

const standIn = () => inject("githubStandIn");
let server: DevServer;

beforeAll(async () => {
	server = await startDevServer({ settings: { MAX_SESSIONS_PER_GRANT: String(MAX_SESSIONS_PER_GRANT) } });
});
afterAll(async () => {
	await fetch(`${standIn().baseUrl}/_standin/faults`, { method: "DELETE" });
	await server?.stop();
});

async function control(path: string, method: string, body?: unknown): Promise<Response> {
	const response = await fetch(`${standIn().baseUrl}/_standin${path}`, {
		method,
		headers: { "Content-Type": "application/json" },
		...(body === undefined ? {} : { body: JSON.stringify(body) }),
	});
	if (!response.ok) throw new Error(`stand-in ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
	return response;
}

/** A new stand-in user, signed in through the real OAuth flow with every scope: their access token. */
async function signedInUser(login: string): Promise<string> {
	await control("/users", "POST", { login });
	const signedIn = await new OAuthFlow({ origin: server.origin }).signIn({ login, scopes: ALL_MCP_SCOPES });
	return signedIn.accessToken;
}

/** Runs `task` over `items`, `parallel` at a time. */
async function inBatches<T, R>(items: readonly T[], parallel: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await task(items[index] as T, index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
	return results;
}

const OPEN: Record<Lane, (options: SessionOptions) => Promise<McpSession>> = {
	"streamable-http": streamableSession,
	sse: sseSession,
	stateless: statelessSession,
};

const began = Date.now();
/** A progress line: where a slow or stuck run spends its time. */
const progress = (what: string) => process.stderr.write(`[load +${((Date.now() - began) / 1000).toFixed(1)} s] ${what}\n`);

describe("load and faults", () => {
	it("keeps every session, counter and write correct through GitHub faults and a restart of every Durable Object", async () => {
		progress("wrangler dev is up");
		const tally = new Tally();
		const ledger = new WriteLedger();
		const run = Math.random().toString(36).slice(2, 7);
		const logins = Array.from({ length: USERS }, (_, i) => `load-${run}-${String(i).padStart(2, "0")}`);
		const limitsLogin = `load-${run}-limits`;

		// Sign in, then the fault schedules (REST calls only, so signing in is never faulted).
		const tokens = await inBatches([...logins, limitsLogin], 4, signedInUser);
		const limitsToken = tokens.pop() ?? "";
		for (const [i, login] of logins.entries()) {
			const schedule = i >= USERS - SLOW_USERS ? SLOW : WEATHER;
			await control("/faults", "POST", { login, ...schedule, seed: 1000 + i });
		}
		progress(`${tokens.length + 1} users signed in`);

		// Open every session before the clock starts, a few at a time.
		const specs = logins.flatMap((login, u) => CLIENTS_PER_USER.map((lane, c) => ({ login, u, lane, c })));
		const pacers = logins.map(() => new Pacer(CALLS_PER_USER_PER_MINUTE));
		const clients: LoadClient[] = await inBatches(specs, 6, async ({ login, u, lane, c }) => {
			const wire = newWireState();
			const label = `u${String(u).padStart(2, "0")}-${lane === "streamable-http" ? "mcp" : lane}${c}`;
			const session = await OPEN[lane]({
				origin: server.origin,
				token: tokens[u] ?? "",
				fetch: meteredFetch(tally, wire),
				wire,
			});
			const pacer = pacers[u] ?? new Pacer(CALLS_PER_USER_PER_MINUTE);
			return {
				label,
				owner: login,
				repo: `scratch-load-${label}`,
				session,
				wire,
				pacer,
				counter: new CounterTrack(label),
				issues: [],
				writes: 0,
			};
		});
		progress(`${clients.length} sessions open`);
		const lanes = { "streamable-http": 0, sse: 0, stateless: 0 } satisfies Record<Lane, number>;
		for (const client of clients) lanes[client.session.lane]++;

		// The run: every client at once; the restart and the limits part on their own clocks.
		const started = Date.now();
		const context = { deadline: started + RUN_MS, tally, ledger, think: [400, 1200] as [number, number] };
		let restartMs: number | null = null;
		const restart = (async () => {
			await new Promise((resolve) => setTimeout(resolve, RESTART_AT_MS));
			const from = Date.now();
			progress("restarting wrangler dev");
			tally.restartWindow = { from, to: Number.POSITIVE_INFINITY };
			await server.restart({ signal: "SIGKILL" });
			tally.restartWindow = { from, to: Date.now() };
			restartMs = Date.now() - from;
			progress("wrangler dev is up again");
		})();
		const limits = (async () => {
			await new Promise((resolve) => setTimeout(resolve, LIMITS_AT_MS));
			await restart;
			const fetcher = meteredFetch(tally, newWireState(), "limits");
			const sessions = await overTheSessionLimit(server.origin, limitsToken, MAX_SESSIONS_PER_GRANT, fetcher);
			const toolCalls = await overTheToolCallLimit(server.origin, limitsToken, fetcher);
			return { sessions, toolCalls };
		})();
		// Awaited below; until then a failure must not count as unhandled.
		for (const background of [restart, limits]) background.catch(() => {});
		await Promise.all(clients.map((client) => drive(client, context)));
		const seconds = (Date.now() - started) / 1000;
		await restart;
		const limitsSeen = await bounded(limits, 60_000, "the limits part");
		progress("run over; checking sessions, counters and writes");

		// After the run, with "GitHub" well again: every session answers, every counter adds up.
		for (const login of logins) await control(`/faults?login=${login}`, "DELETE");
		const lost: string[] = [];
		await inBatches(clients, 6, async (client) => {
			try {
				if (client.session.broken()) await bounded(client.session.recover(), 30_000, "reconnect");
				client.counter.read(await client.session.readCounter(CALL_TIMEOUT_MS));
				const { outcome, answer } = await call(client, { tally: new Tally() }, "add_to_counter", { amount: 1 });
				const total = answer?.structuredContent?.counter;
				if (outcome.kind !== "ok" || typeof total !== "number") lost.push(`${client.label}: ${JSON.stringify(outcome)}`);
				else client.counter.added(1, total);
			} catch (error) {
				lost.push(`${client.label}: ${error instanceof Error ? error.message : String(error)}`);
			}
		});
		const writes = await bounded(checkWrites(standIn(), ledger), 60_000, "checking the writes");
		await Promise.all(clients.map((client) => client.session.close().catch(() => {})));
		progress("checked");

		console.log(
			[
				tally.report({ seconds, clients: lanes, users: USERS, restartMs }),
				`  writes checked    ${ledger.attempts.length} attempts in ${ledger.repos().length} repositories; ${writes.requests} write requests reached the stand-in, ${writes.executed} carried out (${writes.executedButUnknown} of them reported "unknown" or unanswered)`,
				`  limits part       sessions: 429 after ${limitsSeen.sessions?.after ?? "-"} initializes; tool calls: 429 after ${limitsSeen.toolCalls?.after ?? "-"} calls`,
			].join("\n"),
		);

		if (process.env.LOAD_DUMP) writeFileSync(process.env.LOAD_DUMP, JSON.stringify(tally.calls));
		const moved = clients
			.filter((client) => client.wire.sseSessionIds.size > 1)
			.map((client) => `${client.label}: ${client.wire.sseSessionIds.size} sessions`);
		const counterProblems = clients.flatMap((client) => client.counter.problems);
		const toolErrors = (errorClass: string) =>
			tally.calls.filter((c) => c.outcome.kind === "tool_error" && c.outcome.errorClass === errorClass).map((c) => `${c.client} ${c.tool}`);
		expect(tally.serverErrors, "HTTP 5xx from our server").toEqual([]);
		expect(tally.serverErrorCount()).toBe(0);
		expect(writes.problems, "writes against the stand-in").toEqual([]);
		expect(counterProblems, "counters").toEqual([]);
		expect(lost, "sessions that no longer answer").toEqual([]);
		expect(moved, "SSE clients moved to another session").toEqual([]);
		expect(tally.limitedLoad("MAX_SESSIONS_PER_GRANT"), "load clients refused a session: a reconnect took a new place").toBe(0);
		expect(toolErrors("internal"), "tools that failed unexpectedly on our side").toEqual([]);
		expect(toolErrors("invalid_output"), "tool results that do not match the tool's output schema").toEqual([]);
		expect(toolErrors("cannot_confirm"), "writes refused as if the client could not confirm").toEqual([]);
		expect(limitsSeen.sessions).toMatchObject({
			status: 429,
			limit: "MAX_SESSIONS_PER_GRANT",
			retryAfter: expect.stringMatching(/^[1-9]\d*$/),
		});
		expect(limitsSeen.toolCalls).toMatchObject({
			status: 429,
			limit: "TOOL_CALL_RATE_LIMITER",
			retryAfter: expect.stringMatching(/^[1-9]\d*$/),
		});
		expect(lanes["streamable-http"] + lanes.sse).toBeGreaterThanOrEqual(50);
	});
});
