/**
 * The GitHub stand-in's control endpoints (scripts/github-standin/control.mjs), for tests in any
 * project: mint tokens and users of a test's own, read what reached "GitHub" (requests, writes,
 * presented credentials), and schedule faults for one login. The GitHub App controls are in
 * standin-app.ts.
 */
export type StandInFault = "unauthorized" | "forbidden" | "rate_limited" | "server_error" | "hang" | "slow_body" | "cut_body";

/**
 * A /_standin/* control call, JSON in and out: the status and the body, whatever the status
 * (the stand-in's own tests check its refusals).
 */
export async function standInControl<T = Record<string, unknown>>(
	baseUrl: string,
	method: string,
	path: string,
	body?: unknown,
): Promise<{ status: number; body: T }> {
	const response = await fetch(`${baseUrl}/_standin${path}`, {
		method,
		...(body === undefined ? {} : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
	});
	const text = await response.text();
	try {
		return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
	} catch {
		throw new Error(`stand-in ${method} ${path} answered ${response.status} with no JSON: ${text.slice(0, 200)}`);
	}
}

/** A control call that must succeed: its body, or an error naming the call and the stand-in's answer. */
export async function standInCall<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
	const answer = await standInControl<T>(baseUrl, method, path, body);
	if (answer.status < 200 || answer.status > 299)
		throw new Error(`stand-in ${method} ${path} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
	return answer.body;
}

export interface StandInRequest {
	method: string;
	/** The path as the stand-in parsed it (dot segments resolved, as GitHub's front end does), with the query. */
	path: string;
	/** 0 when no response was sent (a reset or a hang). */
	status: number;
	conditional: boolean;
	fault?: string;
}

/** A GitHub token the stand-in minted for `login`, optionally failing every API call. */
export async function mintGithubToken(
	baseUrl: string,
	login: string,
	options: { scopes?: string[]; fault?: StandInFault } = {},
): Promise<string> {
	const { token } = await standInCall<{ token: string }>(baseUrl, "POST", "/tokens", {
		login,
		scopes: options.scopes ?? ["read:user", "user:email", "repo"],
		...(options.fault ? { fault: options.fault } : {}),
	});
	return token;
}

/** Every API request the stand-in answered for a token. */
export async function githubRequests(baseUrl: string, token: string): Promise<StandInRequest[]> {
	return (await standInCall<{ requests: StandInRequest[] }>(baseUrl, "GET", `/requests?token=${encodeURIComponent(token)}`)).requests;
}

/** Every credential presented to the stand-in's API. */
export async function presentedTokens(baseUrl: string): Promise<string[]> {
	return (await standInCall<{ tokens: string[] }>(baseUrl, "GET", "/presented-tokens")).tokens;
}

export interface StandInUser {
	/** GitHub's numeric id, as a string (the OAuth userId this server uses). */
	id: string;
	login: string;
	name: string | null;
	email: string | null;
}

/**
 * A new stand-in user of its own (login `standin-user-<id>` unless given), for a test whose state
 * must not meet another test's: per-user limits, caches, organisation membership, fault schedules.
 */
export async function createStandInUser(baseUrl: string, options: { login?: string; orgs?: string[] } = {}): Promise<StandInUser> {
	const user = await standInCall<{ id: number; login: string; name: string | null; email: string | null }>(
		baseUrl,
		"POST",
		"/users",
		options,
	);
	return { id: String(user.id), login: user.login, name: user.name, email: user.email };
}

/** Changes a stand-in user's organisation memberships (what GET /user/orgs answers from now on). */
export async function setStandInOrgs(baseUrl: string, login: string, orgs: string[]): Promise<void> {
	await standInCall(baseUrl, "POST", "/orgs", { login, orgs });
}

/**
 * Transfers an issue to another repository of a stand-in user (made private with `toPrivate`), as
 * GitHub's "Transfer issue" does: the old address then answers with a redirect to the new one.
 */
export async function transferStandInIssue(
	baseUrl: string,
	transfer: { owner: string; repo: string; number: number; toOwner: string; toRepo: string; toPrivate?: boolean },
): Promise<{ number: number; repositoryId: number }> {
	return standInCall(baseUrl, "POST", "/transfers", transfer);
}

/** A write (POST, PATCH, PUT, DELETE) that reached the stand-in's REST API, as the write log keeps it. */
export interface StandInWrite {
	at: string;
	method: string;
	path: string;
	repo: string | null;
	/** The HTTP status answered; 0 when no response was sent (a reset or a hang). */
	status: number;
	/** The injected fault that answered instead of the route, if any. */
	fault: string | null;
}

async function writes(baseUrl: string, query: string): Promise<StandInWrite[]> {
	return (await standInCall<{ writes: StandInWrite[] }>(baseUrl, "GET", `/writes?${query}`)).writes;
}

/**
 * Every write that reached "GitHub" for one repository (`owner/name`), faulted or not. A scratch
 * repository belongs to one test, whichever token wrote.
 */
export function githubWrites(baseUrl: string, repo: string): Promise<StandInWrite[]> {
	return writes(baseUrl, `repo=${encodeURIComponent(repo)}`);
}

/** The writes that reached the stand-in with one GitHub token. */
export function standInWrites(baseUrl: string, token: string): Promise<StandInWrite[]> {
	return writes(baseUrl, `token=${encodeURIComponent(token)}`);
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
	await standInCall(baseUrl, "POST", "/faults", { login, ...schedule });
}

export async function clearStandInFaults(baseUrl: string, login: string): Promise<void> {
	await standInControl(baseUrl, "DELETE", `/faults?login=${encodeURIComponent(login)}`);
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
