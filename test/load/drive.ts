/**
 * One load client's life: a loop of tool calls until the deadline, in its own scratch repository
 * (reads, confirmed writes with a marker each, add_to_counter), recording every call in the
 * tally, every write in the ledger and every counter answer in its CounterTrack. A call whose
 * connection broke is not retried: the next call goes ahead, after a pause (a real client backs
 * off the same way), and an SSE client reconnects to its session first.
 */
import { resultText } from "../support/mcp-wire";
import type { CounterTrack, WriteLedger, WriteOutcome } from "./ledger";
import type { Pacer } from "./pacer";
import { bounded, CONNECT_TIMEOUT_MS, type McpSession, type ToolAnswer } from "./sessions";
import { type CallOutcome, classifyToolError, isWrite, type Tally } from "./tally";
import type { WireState } from "./wire";

/** A call gets this long for its answer: GitHub's timeout in the Worker (15 s) and some. */
export const CALL_TIMEOUT_MS = 25_000;

export interface LoadClient {
	label: string;
	owner: string;
	repo: string;
	session: McpSession;
	wire: WireState;
	/** Shared by the user's clients: keeps them under the tool-call limit together. */
	pacer: Pacer;
	counter: CounterTrack;
	/** Issues this client created (confirmed), to comment on and read. */
	issues: number[];
	writes: number;
}

export interface DriveContext {
	deadline: number;
	tally: Tally;
	ledger: WriteLedger;
	/** Pause between calls, in ms: [minimum, minimum + spread). */
	think: [number, number];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

export async function drive(client: LoadClient, ctx: DriveContext): Promise<void> {
	let backoff = 0;
	while (Date.now() < ctx.deadline) {
		if (client.session.broken()) {
			try {
				await bounded(client.session.recover(), CONNECT_TIMEOUT_MS + 5_000, "reconnect");
			} catch {
				backoff = Math.min(4_000, Math.max(1_000, backoff * 2));
				await sleep(backoff);
				continue;
			}
		}
		const outcome = await step(client, ctx);
		if (outcome.kind === "transport" || outcome.kind === "client_timeout" || outcome.kind === "limited") {
			backoff = Math.min(4_000, Math.max(1_000, backoff * 2));
			await sleep(backoff);
		} else {
			backoff = 0;
			await sleep(ctx.think[0] + Math.random() * ctx.think[1]);
		}
	}
}

/** One call from the mix: about a fifth counter, a fifth writes, the rest reads. */
async function step(client: LoadClient, ctx: DriveContext): Promise<CallOutcome> {
	const roll = Math.random();
	if (roll < 0.2) return addToCounter(client, ctx, 1 + Math.floor(Math.random() * 9));
	if (roll < 0.32) return createIssue(client, ctx);
	if (roll < 0.4 && client.issues.length > 0) return addComment(client, ctx);
	const { owner, repo } = client;
	const reads: [string, Record<string, unknown>][] = [
		["get_repo", { owner, repo }],
		["list_issues", { owner, repo, state: "all" }],
		["get_file", { owner, repo, path: "README.md" }],
		["search_issues", { query: `load repo:${owner}/${repo}` }],
		["list_repos", { per_page: 5 }],
		["whoami", {}],
		client.issues.length > 0 ? ["get_issue", { owner, repo, number: pick(client.issues) }] : ["list_issues", { owner, repo }],
	];
	const [tool, args] = pick(reads);
	return (await call(client, ctx, tool, args)).outcome;
}

async function addToCounter(client: LoadClient, ctx: DriveContext, amount: number): Promise<CallOutcome> {
	const { answer, outcome } = await call(client, ctx, "add_to_counter", { amount });
	const total = answer?.structuredContent?.counter;
	if (outcome.kind === "ok" && typeof total === "number") client.counter.added(amount, total);
	else client.counter.uncertain(amount);
	return outcome;
}

async function createIssue(client: LoadClient, ctx: DriveContext): Promise<CallOutcome> {
	const marker = ctx.ledger.marker(client.label, ++client.writes);
	const { answer, outcome, writeStatus } = await call(client, ctx, "create_issue", {
		owner: client.owner,
		repo: client.repo,
		title: `Load run ${marker}`,
		body: `Written by the load-and-fault run. ${marker}`,
	});
	const number = answer?.structuredContent?.number;
	if (writeStatus === "created" && typeof number === "number") client.issues.push(number);
	ctx.ledger.record({ repo: `${client.owner}/${client.repo}`, tool: "create_issue", marker, outcome: writeOutcome(outcome, writeStatus) });
	return outcome;
}

async function addComment(client: LoadClient, ctx: DriveContext): Promise<CallOutcome> {
	const marker = ctx.ledger.marker(client.label, ++client.writes);
	const { outcome, writeStatus } = await call(client, ctx, "add_issue_comment", {
		owner: client.owner,
		repo: client.repo,
		number: pick(client.issues),
		body: `A comment from the load-and-fault run. ${marker}`,
	});
	ctx.ledger.record({
		repo: `${client.owner}/${client.repo}`,
		tool: "add_issue_comment",
		marker,
		outcome: writeOutcome(outcome, writeStatus),
	});
	return outcome;
}

/** What the client knows about a write: what the result said, or that it got no answer. */
function writeOutcome(outcome: CallOutcome, writeStatus: string | undefined): WriteOutcome {
	if (outcome.kind === "limited") return "limited";
	switch (writeStatus) {
		case "created":
		case "unknown":
		case "failed":
		case "refused":
		case "declined":
		case "cancelled":
			return writeStatus;
		default:
			return "no_answer";
	}
}

/** One tool call, timed and classified; the tally gets it. */
export async function call(
	client: LoadClient,
	ctx: Pick<DriveContext, "tally">,
	tool: string,
	args: Record<string, unknown>,
): Promise<{ answer?: ToolAnswer; outcome: CallOutcome; writeStatus?: string }> {
	// Each tools/call request counts against the user's limit: a confirmed write on the 2026-07-28
	// lane is two (the SDK sends the call again with the user's answer).
	const places = client.session.lane === "stateless" && isWrite(tool) ? 2 : 1;
	let pacedMs = 0;
	for (let place = 0; place < places; place++) pacedMs += await client.pacer.take();
	client.wire.status = null;
	client.wire.transportError = false;
	const startedAt = Date.now();
	let answer: ToolAnswer | undefined;
	let outcome: CallOutcome;
	try {
		answer = await client.session.callTool(tool, args, CALL_TIMEOUT_MS);
		outcome = answer.isError ? { kind: "tool_error", errorClass: classifyToolError(resultText(answer)) } : { kind: "ok" };
	} catch (error) {
		outcome = classifyThrown(error, client.wire);
	}
	const status = answer?.structuredContent?.status;
	const writeStatus = typeof status === "string" ? status : undefined;
	ctx.tally.call({
		client: client.label,
		lane: client.session.lane,
		tool,
		startedAt,
		ms: Date.now() - startedAt,
		pacedMs,
		outcome,
		...(writeStatus ? { writeStatus } : {}),
	});
	if (outcome.kind === "tool_error" && outcome.errorClass === "other") ctx.tally.sample(`${tool}: ${resultText(answer).slice(0, 120)}`);
	return { ...(answer ? { answer } : {}), outcome, ...(writeStatus ? { writeStatus } : {}) };
}

/** Why a call threw: our HTTP answer if there was one, else the connection, else the client's own timeout. */
export function classifyThrown(error: unknown, wire: WireState): CallOutcome {
	if (wire.status === 429) return { kind: "limited" };
	if (wire.status !== null) return { kind: "http_error", status: wire.status };
	const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	// The server's SDK refused a tool result that does not match the tool's output schema.
	if (message.includes("Output validation error")) return { kind: "tool_error", errorClass: "invalid_output" };
	if (wire.transportError || /connection closed|terminated|fetch failed|other side closed|socket|ECONN|network/i.test(message)) {
		return { kind: "transport" };
	}
	if (/timed? ?out/i.test(message)) return { kind: "client_timeout" };
	return { kind: "other", detail: message };
}
