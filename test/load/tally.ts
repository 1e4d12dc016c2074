/**
 * What the load run counts, and the report it prints: every tool call's outcome and latency,
 * every HTTP status our server answered, every transport error (and whether it fell in the
 * restart window). Figures are printed, never asserted; the run asserts correctness elsewhere.
 */

/** How a tool call ended, as the client saw it. */
export type CallOutcome =
	| { kind: "ok" }
	/** The tool answered with isError: `errorClass` from its message (see classifyToolError). */
	| { kind: "tool_error"; errorClass: ToolErrorClass }
	/** Our server answered HTTP 429 (a limit of ours): counted apart, never a failure. */
	| { kind: "limited" }
	/** Our server answered another HTTP error status (404 session not found, 5xx, …). */
	| { kind: "http_error"; status: number }
	/** The connection failed or closed before an answer (wrangler dev restarting, a reset). */
	| { kind: "transport" }
	/** No answer within the client's own timeout. */
	| { kind: "client_timeout" }
	/** A JSON-RPC error, or anything else the SDK threw. */
	| { kind: "other"; detail: string };

export type ToolErrorClass =
	| "timeout"
	| "github_5xx"
	| "reset"
	| "rate_limit"
	| "not_found"
	| "cannot_confirm"
	| "no_answer"
	| "invalid_output"
	| "cut_off"
	| "internal"
	| "other";

/**
 * The message class of a tool error, from the texts src/github/client.ts (describeGithubError)
 * and src/mcp/invoke.ts write.
 */
export function classifyToolError(text: string): ToolErrorClass {
	if (text.includes("did not answer in time")) return "timeout";
	if (text.includes("could not be reached")) return "reset";
	if (text.includes("answer was cut off")) return "cut_off";
	if (/GitHub (is having problems|had a problem) \(HTTP 5\d\d\)/.test(text)) return "github_5xx";
	if (text.includes("rate limit")) return "rate_limit";
	if (text.includes('answered "not found"')) return "not_found";
	if (text.includes("does not support confirmation forms")) return "cannot_confirm";
	if (text.includes("got no answer in time")) return "no_answer";
	if (text.includes("failed unexpectedly on this server")) return "internal";
	// The SDK's check of a result against the tool's own output schema.
	if (text.includes("Output validation error")) return "invalid_output";
	return "other";
}

export type Lane = "streamable-http" | "sse" | "stateless";

export interface CallRecord {
	/** The client's label (user and session). */
	client: string;
	lane: Lane;
	tool: string;
	startedAt: number;
	/** From sending to the answer. */
	ms: number;
	/** How long the call waited for its user's pacer before it was sent (not counted in `ms`). */
	pacedMs: number;
	outcome: CallOutcome;
	/** For write tools: the write status the result carried (created, unknown, failed, refused, …). */
	writeStatus?: string;
}

export class Tally {
	readonly calls: CallRecord[] = [];
	/** HTTP statuses our server answered, by status. */
	readonly statuses = new Map<number, number>();
	/** Bodies of our 5xx answers (first few), to say what went wrong. */
	readonly serverErrors: string[] = [];
	/** Transport errors by phase: during the restart window, or at any other time. */
	transportErrors = { restart: 0, other: 0 };
	readonly otherSamples = new Map<string, number>();
	/** When wrangler dev was down (the restart window), in ms since the epoch. */
	restartWindow: { from: number; to: number } | null = null;
	/** Our 429 answers, by part of the run and the limit they name, with their Retry-After values. */
	readonly limited = new Map<string, { count: number; retryAfter: Set<string> }>();

	call(record: CallRecord): void {
		this.calls.push(record);
		if (record.outcome.kind === "other") this.sample(record.outcome.detail);
	}

	over(part: "load" | "limits", limit: string, retryAfter: string | null): void {
		const key = `${part}: ${limit}`;
		const entry = this.limited.get(key) ?? { count: 0, retryAfter: new Set<string>() };
		entry.count++;
		entry.retryAfter.add(retryAfter ?? "none");
		this.limited.set(key, entry);
	}

	/** How many 429s naming `limit` the load clients (not the limits part) got. */
	limitedLoad(limit?: string): number {
		let count = 0;
		for (const [key, entry] of this.limited) if (key.startsWith("load: ") && (!limit || key === `load: ${limit}`)) count += entry.count;
		return count;
	}

	status(status: number): void {
		this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
	}

	transport(at: number): void {
		// A little slack after the restart: connections opened just before it fail a moment later.
		const window = this.restartWindow;
		if (window && at >= window.from && at <= window.to + 5_000) this.transportErrors.restart++;
		else this.transportErrors.other++;
	}

	sample(detail: string): void {
		const key = detail.slice(0, 160);
		this.otherSamples.set(key, (this.otherSamples.get(key) ?? 0) + 1);
	}

	serverErrorCount(): number {
		let count = 0;
		for (const [status, n] of this.statuses) if (status >= 500) count += n;
		return count;
	}

	report(context: { seconds: number; clients: Record<Lane, number>; users: number; restartMs: number | null }): string {
		const calls = this.calls;
		const answered = calls.filter((call) => call.outcome.kind !== "transport" && call.outcome.kind !== "client_timeout");
		const latencies = answered.map((call) => call.ms).sort((a, b) => a - b);
		const paced = calls.filter((call) => call.pacedMs > 0);
		const by = (key: (call: CallRecord) => string | null) => {
			const counts = new Map<string, number>();
			for (const call of calls) {
				const k = key(call);
				if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
			}
			return [...counts].sort((a, b) => b[1] - a[1]);
		};
		const line = (entries: [string, number][]) => (entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(", ") : "none");
		const statusClasses = new Map<string, number>();
		for (const [status, n] of this.statuses) {
			const cls = `${Math.floor(status / 100)}xx`;
			statusClasses.set(cls, (statusClasses.get(cls) ?? 0) + n);
		}
		const writes = calls.filter((call) => call.writeStatus !== undefined || isWrite(call.tool));
		const lanes = Object.entries(context.clients)
			.map(([lane, n]) => `${n} ${lane}`)
			.join(", ");
		const rows = [
			`Load and faults: ${lanes} clients of ${context.users} users, for ${context.seconds.toFixed(1)} s`,
			`  calls made        ${calls.length} (${(calls.length / context.seconds).toFixed(1)} per second)`,
			`  latency           p50 ${percentile(latencies, 0.5)} ms, p99 ${percentile(latencies, 0.99)} ms (${answered.length} calls that got an answer)`,
			`  paced             ${paced.length} calls waited for their user's share of the tool-call limit (${(paced.reduce((sum, call) => sum + call.pacedMs, 0) / 1000).toFixed(0)} s in all)`,
			`  by lane           ${line(by((call) => call.lane))}`,
			`  outcomes          ${line(by((call) => call.outcome.kind))}`,
			`  tool errors       ${line(by((call) => (call.outcome.kind === "tool_error" ? call.outcome.errorClass : null)))}`,
			`  writes            ${writes.length}: ${line(by((call) => (isWrite(call.tool) ? (call.writeStatus ?? call.outcome.kind) : null)))}`,
			`  unknown-outcome   ${writes.filter((call) => call.writeStatus === "unknown").length} writes reported "unknown" (GitHub may or may not have done them; never retried)`,
			`  HTTP from server  ${line([...statusClasses].sort())} (${line([...this.statuses].filter(([s]) => s >= 400).map(([s, n]) => [String(s), n]))})`,
			`  HTTP 5xx (ours)   ${this.serverErrorCount()}`,
			`  transport errors  during the restart ${this.transportErrors.restart}, otherwise ${this.transportErrors.other}`,
			`  restart           ${context.restartMs === null ? "none" : `wrangler dev down and back in ${(context.restartMs / 1000).toFixed(1)} s`}`,
			`  limited (429)     ${
				this.limited.size
					? [...this.limited].map(([key, entry]) => `${key} ${entry.count} (Retry-After ${[...entry.retryAfter].join("/")})`).join("; ")
					: "none"
			}`,
		];
		if (this.otherSamples.size) rows.push(`  other             ${line([...this.otherSamples].slice(0, 8))}`);
		return rows.join("\n");
	}
}

const WRITE_TOOLS = new Set(["create_issue", "add_issue_comment"]);
export const isWrite = (tool: string) => WRITE_TOOLS.has(tool);

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
}
