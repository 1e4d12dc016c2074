/**
 * What the clients of the load run saw, to compare with what reached the GitHub stand-in:
 *
 * - every write attempt, with a marker unique to it in the issue title and body or the comment,
 *   and the outcome the client saw: `created`, `unknown` (the server said GitHub may or may not
 *   have done it), `no_answer` (the client got no answer: the connection broke, or its own
 *   timeout), or one that says nothing was written (failed, refused, declined, limited);
 * - every counter: the values it may hold, given the calls whose answer was lost.
 */
import { githubWrites, mintGithubToken, type StandInWrite } from "../support/standin";

export type WriteOutcome = "created" | "unknown" | "no_answer" | "failed" | "refused" | "declined" | "cancelled" | "limited";

export interface WriteAttempt {
	repo: string;
	tool: "create_issue" | "add_issue_comment";
	marker: string;
	outcome: WriteOutcome;
}

/** Markers look like `[load:u03-sse:7]`: the client's label and its write number. */
const MARKER = /\[load:[a-z0-9-]+:\d+\]/g;

export class WriteLedger {
	readonly attempts: WriteAttempt[] = [];

	marker(label: string, n: number): string {
		return `[load:${label}:${n}]`;
	}

	record(attempt: WriteAttempt): void {
		this.attempts.push(attempt);
	}

	repos(): string[] {
		return [...new Set(this.attempts.map((attempt) => attempt.repo))].sort();
	}
}

export interface WriteCheck {
	problems: string[];
	/** Writes the stand-in carried out, and how many of those the client saw only as "unknown" or got no answer for. */
	executed: number;
	executedButUnknown: number;
	/** Every write request that reached the stand-in, faulted or not. */
	requests: number;
}

/**
 * Compares, per scratch repository, the stand-in's issues and comments (by marker) and its write
 * log with what the clients saw. Run it with no fault schedule in force.
 */
export async function checkWrites(standIn: { baseUrl: string; apiUrl: string }, ledger: WriteLedger): Promise<WriteCheck> {
	const problems: string[] = [];
	let executed = 0;
	let executedButUnknown = 0;
	let requests = 0;
	const tokens = new Map<string, string>();
	for (const repo of ledger.repos()) {
		const owner = repo.split("/")[0] ?? "";
		let token = tokens.get(owner);
		if (!token) {
			token = await mintGithubToken(standIn.baseUrl, owner);
			tokens.set(owner, token);
		}
		const found = await markersIn(standIn.apiUrl, repo, token);
		const log = await githubWrites(standIn.baseUrl, repo);
		const attempts = ledger.attempts.filter((attempt) => attempt.repo === repo);
		problems.push(...compare(repo, attempts, found, log));
		const done = log.filter((entry) => entry.fault === null && entry.status >= 200 && entry.status < 300).length;
		executed += done;
		requests += log.length;
		executedButUnknown += attempts.filter(
			(attempt) => (attempt.outcome === "unknown" || attempt.outcome === "no_answer") && (found.get(attempt.marker) ?? 0) > 0,
		).length;
	}
	return { problems, executed, executedButUnknown, requests };
}

/** The rules, for one repository. Exported for its own small test. */
export function compare(repo: string, attempts: WriteAttempt[], found: Map<string, number>, log: StandInWrite[]): string[] {
	const problems: string[] = [];
	const known = new Map(attempts.map((attempt) => [attempt.marker, attempt]));
	for (const attempt of attempts) {
		const times = found.get(attempt.marker) ?? 0;
		const at = `${repo} ${attempt.tool} ${attempt.marker}`;
		if (attempt.outcome === "created" && times !== 1) problems.push(`${at}: confirmed as created, written ${times} times`);
		if ((attempt.outcome === "unknown" || attempt.outcome === "no_answer") && times > 1) {
			problems.push(`${at}: reported ${attempt.outcome}, written ${times} times`);
		}
		if (!["created", "unknown", "no_answer"].includes(attempt.outcome) && times !== 0) {
			problems.push(`${at}: reported ${attempt.outcome} (nothing written), written ${times} times`);
		}
	}
	for (const [marker, times] of found) {
		if (!known.has(marker)) problems.push(`${repo}: ${marker} written ${times} times, but no client asked for it`);
	}
	const unmarked = found.get("") ?? 0;
	if (unmarked > 0) problems.push(`${repo}: ${unmarked} issues or comments without a marker`);
	// The write log: one request per attempt at most (never retried), and every executed write
	// is one of the objects found.
	const mayHaveSent = attempts.filter((attempt) => ["created", "unknown", "no_answer", "failed"].includes(attempt.outcome)).length;
	if (log.length > mayHaveSent)
		problems.push(`${repo}: ${log.length} write requests reached GitHub for ${mayHaveSent} attempts that may have sent one`);
	const done = log.filter((entry) => entry.fault === null && entry.status >= 200 && entry.status < 300).length;
	const objects = [...found.values()].reduce((sum, n) => sum + n, 0);
	if (done !== objects) problems.push(`${repo}: the write log has ${done} successful writes, the repository ${objects} written objects`);
	return problems;
}

/** How often each marker occurs in a repository's issues (title and body count once) and comments. "" counts objects without one. */
async function markersIn(apiUrl: string, repo: string, token: string): Promise<Map<string, number>> {
	const found = new Map<string, number>();
	const count = (text: string) => {
		const markers = new Set(text.match(MARKER) ?? [""]);
		for (const marker of markers) found.set(marker, (found.get(marker) ?? 0) + 1);
	};
	const issues = await pages<{ number: number; title: string; body: string | null }>(`${apiUrl}/repos/${repo}/issues?state=all`, token);
	for (const issue of issues) {
		count(`${issue.title}\n${issue.body ?? ""}`);
		const comments = await pages<{ body: string }>(`${apiUrl}/repos/${repo}/issues/${issue.number}/comments`, token);
		for (const comment of comments) count(comment.body);
	}
	return found;
}

async function pages<T>(url: string, token: string): Promise<T[]> {
	const items: T[] = [];
	for (let page = 1; ; page++) {
		const target = new URL(url);
		target.searchParams.set("per_page", "100");
		target.searchParams.set("page", String(page));
		const response = await fetch(target, { headers: { Authorization: `token ${token}` } });
		if (!response.ok) throw new Error(`stand-in ${target.pathname}: HTTP ${response.status}`);
		const batch = (await response.json()) as T[];
		items.push(...batch);
		if (!/rel="next"/.test(response.headers.get("Link") ?? "")) return items;
	}
}

/**
 * A counter whose exact value the client may not know: each add whose answer was lost may or may
 * not have happened. Every answer must fit one of the possible values; a value that fits none
 * means the server lost (or doubled) an addition.
 */
export class CounterTrack {
	#possible = new Set([0]);
	readonly problems: string[] = [];

	constructor(readonly label: string) {}

	/** add_to_counter(amount) answered `total`. */
	added(amount: number, total: number): void {
		this.#check(total - amount, `added ${amount}, got ${total}`);
		this.#possible = new Set([total]);
	}

	/** add_to_counter(amount) got no answer, or an error: it may or may not have happened. */
	uncertain(amount: number): void {
		for (const value of [...this.#possible]) this.#possible.add(value + amount);
	}

	/** The counter resource read `value`. */
	read(value: number): void {
		this.#check(value, `read ${value}`);
		this.#possible = new Set([value]);
	}

	#check(before: number, what: string): void {
		if (!this.#possible.has(before)) {
			this.problems.push(`${this.label}: ${what}, but the counter could only be ${[...this.#possible].join(" or ")}`);
		}
	}
}
