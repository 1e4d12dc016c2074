/**
 * The GitHub stand-in's control endpoints (scripts/github-standin/control.mjs), for tests in any
 * project: mint tokens, read what reached "GitHub".
 */
export type StandInFault = "unauthorized" | "forbidden" | "rate_limited" | "server_error" | "hang" | "slow_body" | "cut_body";

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
	const response = await fetch(`${baseUrl}/_standin/tokens`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({
			login,
			scopes: options.scopes ?? ["read:user", "user:email", "repo"],
			...(options.fault ? { fault: options.fault } : {}),
		}),
	});
	if (!response.ok) throw new Error(`stand-in token mint failed: ${response.status}`);
	return ((await response.json()) as { token: string }).token;
}

/** Every API request the stand-in answered for a token. */
export async function githubRequests(baseUrl: string, token: string): Promise<StandInRequest[]> {
	const response = await fetch(`${baseUrl}/_standin/requests?token=${encodeURIComponent(token)}`);
	return ((await response.json()) as { requests: StandInRequest[] }).requests;
}

/** Every credential presented to the stand-in's API. */
export async function presentedTokens(baseUrl: string): Promise<string[]> {
	return ((await (await fetch(`${baseUrl}/_standin/presented-tokens`)).json()) as { tokens: string[] }).tokens;
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
 * must not meet another test's: per-user limits, caches, organisation membership.
 */
export async function createStandInUser(baseUrl: string, options: { login?: string; orgs?: string[] } = {}): Promise<StandInUser> {
	const response = await fetch(`${baseUrl}/_standin/users`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify(options),
	});
	if (response.status !== 201) throw new Error(`stand-in user creation failed: ${response.status} ${await response.text()}`);
	const user = (await response.json()) as { id: number; login: string; name: string | null; email: string | null };
	return { id: String(user.id), login: user.login, name: user.name, email: user.email };
}

/** Changes a stand-in user's organisation memberships (what GET /user/orgs answers from now on). */
export async function setStandInOrgs(baseUrl: string, login: string, orgs: string[]): Promise<void> {
	const response = await fetch(`${baseUrl}/_standin/orgs`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ login, orgs }),
	});
	if (!response.ok) throw new Error(`stand-in orgs update failed: ${response.status}`);
}

/** A write the stand-in's REST API received (status 0: a fault dropped it before GitHub "answered"). */
export interface StandInWrite {
	at: string;
	method: string;
	path: string;
	repo: string | null;
	status: number;
	fault: string | null;
}

async function writes(baseUrl: string, query: string): Promise<StandInWrite[]> {
	const response = await fetch(`${baseUrl}/_standin/writes?${query}`);
	return ((await response.json()) as { writes: StandInWrite[] }).writes;
}

/** The writes that reached the stand-in for one repository (owner/name). */
export function githubWrites(baseUrl: string, repo: string): Promise<StandInWrite[]> {
	return writes(baseUrl, `repo=${encodeURIComponent(repo)}`);
}

/** The writes that reached the stand-in with one GitHub token. */
export function standInWrites(baseUrl: string, token: string): Promise<StandInWrite[]> {
	return writes(baseUrl, `token=${encodeURIComponent(token)}`);
}
