/**
 * More of the GitHub stand-in's control endpoints (scripts/github-standin/control.mjs), for tests
 * that inject faults or count writes: a login's fault schedule, and the write log of a repository
 * with each write's outcome (a scratch repository belongs to one test, whichever token wrote).
 */
import { createStandInUser, mintGithubToken } from "./standin";

/** A write (POST, PATCH, PUT, DELETE) that reached the stand-in's REST API, as the write log keeps it. */
export interface StandInWriteOutcome {
	at: string;
	method: string;
	path: string;
	repo: string | null;
	/** The HTTP status answered; 0 when no response was sent (a reset or a hang). */
	status: number;
	/** The injected fault that answered instead of the route, if any. */
	fault: string | null;
}

/** Every write that reached "GitHub" for one repository (`owner/name`), faulted or not. */
export async function repoWrites(baseUrl: string, repo: string): Promise<StandInWriteOutcome[]> {
	const response = await fetch(`${baseUrl}/_standin/writes?repo=${encodeURIComponent(repo)}`);
	return ((await response.json()) as { writes: StandInWriteOutcome[] }).writes;
}

/** A fault schedule for one login's REST API calls (see scripts/github-standin/faults.mjs). */
export interface StandInFaultSchedule {
	latencyMs?: number;
	serverErrorRate?: number;
	resetRate?: number;
	rateLimitRate?: number;
	retryAfterSeconds?: number;
	/** With a seed, the sequence of outcomes is the same on every run. */
	seed?: number;
}

/** Sets the schedule for `login` only, so nobody else's calls are slowed or failed. */
export async function setStandInFaults(baseUrl: string, login: string, schedule: StandInFaultSchedule): Promise<void> {
	const response = await fetch(`${baseUrl}/_standin/faults`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ login, ...schedule }),
	});
	if (response.status !== 200) throw new Error(`stand-in fault schedule failed: ${response.status} ${await response.text()}`);
}

export async function clearStandInFaults(baseUrl: string, login: string): Promise<void> {
	await fetch(`${baseUrl}/_standin/faults?login=${encodeURIComponent(login)}`, { method: "DELETE" });
}

type FailingKind = "reset" | "server_error" | "rate_limit";

/** What one REST call met, as a scheduled fault would show it. */
async function probe(apiUrl: string, token: string): Promise<FailingKind | null> {
	try {
		const response = await fetch(`${apiUrl}/user`, { headers: { Authorization: `token ${token}` } });
		await response.body?.cancel();
		if (response.status === 502 || response.status === 503) return "server_error";
		if (response.status === 403 || response.status === 429) return "rate_limit";
		return null;
	} catch {
		return "reset";
	}
}

/**
 * A seed for a schedule (`{ resetRate: 0.5 }` and the like) under which a login's next `passing`
 * REST calls go through and the one after fails with `kind`: a test can then fail one chosen call,
 * such as the write that follows the allow-list's lookup. Found by trying seeds on a probe user of
 * its own (a schedule's sequence depends only on its seed, and starts again when it is set).
 */
export async function seedFailingCall(baseUrl: string, schedule: Omit<StandInFaultSchedule, "seed">, passing: number, kind: FailingKind) {
	const user = await createStandInUser(baseUrl);
	const token = await mintGithubToken(baseUrl, user.login);
	try {
		for (let seed = 1; seed <= 200; seed++) {
			await setStandInFaults(baseUrl, user.login, { ...schedule, seed });
			let matched = true;
			for (let call = 0; call <= passing && matched; call++) {
				matched = (await probe(`${baseUrl}/api/v3`, token)) === (call < passing ? null : kind);
			}
			if (matched) return seed;
		}
	} finally {
		await clearStandInFaults(baseUrl, user.login);
	}
	throw new Error(`no seed in 1–200 lets ${passing} calls through and then fails with ${kind}`);
}
