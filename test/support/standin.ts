/**
 * The GitHub stand-in's control endpoints (scripts/github-standin/control.mjs), for tests in any
 * project: mint tokens, read what reached "GitHub".
 */
export type StandInFault = "unauthorized" | "forbidden" | "rate_limited" | "server_error" | "hang" | "slow_body" | "cut_body";

export interface StandInRequest {
	method: string;
	path: string;
	status: number;
	conditional: boolean;
	token: string;
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

export interface StandInWrite {
	at: string;
	method: string;
	path: string;
	repo: string | null;
	status: number;
	fault: string | null;
}

/** The writes that reached the stand-in's REST API, for one repository (owner/name). */
export async function githubWrites(baseUrl: string, repo: string): Promise<StandInWrite[]> {
	const response = await fetch(`${baseUrl}/_standin/writes?repo=${encodeURIComponent(repo)}`);
	return ((await response.json()) as { writes: StandInWrite[] }).writes;
}
