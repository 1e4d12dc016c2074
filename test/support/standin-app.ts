/**
 * The GitHub stand-in's GitHub App controls (scripts/github-standin/control.mjs), for tests of
 * GitHub App mode: token lifetimes per login, minted token pairs, installations, dead refresh
 * tokens, an outage of the token endpoint, and the refresh log.
 */
import { createStandInUser, type StandInFault, type StandInUser, standInCall } from "./standin.ts";

export interface AppTokenLifetimes {
	accessTokenTtlSeconds?: number;
	refreshTokenTtlSeconds?: number;
}

/** Lifetimes of the GitHub App tokens `login` gets from now on (sign-ins and refreshes). */
export function setAppTokenLifetimes(baseUrl: string, login: string, lifetimes: AppTokenLifetimes): Promise<AppTokenLifetimes> {
	return standInCall(baseUrl, "POST", "/app-settings", { login, ...lifetimes });
}

/** GitHub's token response for a GitHub App with expiring user tokens. */
export interface AppTokenResponse {
	access_token: string;
	refresh_token: string;
	expires_in: number;
	refresh_token_expires_in: number;
	token_type: string;
	scope: string;
}

/** A GitHub App token pair for `login`, minted without the browser. */
export function mintAppTokens(
	baseUrl: string,
	login: string,
	options: AppTokenLifetimes & { fault?: StandInFault } = {},
): Promise<AppTokenResponse> {
	return standInCall(baseUrl, "POST", "/app-tokens", { login, ...options });
}

/** Installs the GitHub App on an account (or uninstalls it). */
export function setAppInstalled(baseUrl: string, owner: string, installed: boolean): Promise<{ owners: string[] }> {
	return standInCall(baseUrl, "POST", "/installations", { owner, installed });
}

/** Makes a refresh token dead, as when the user revokes the app on GitHub. */
export async function killRefreshToken(baseUrl: string, refreshToken: string): Promise<void> {
	await standInCall(baseUrl, "DELETE", `/refresh-tokens/${encodeURIComponent(refreshToken)}`);
}

/** GitHub's token endpoint fails (502) for `login`'s code exchanges and refreshes while `down`. */
export async function setTokenEndpointDown(baseUrl: string, login: string, down: boolean): Promise<void> {
	await standInCall(baseUrl, "POST", "/token-endpoint", { login, down });
}

export interface RefreshLogEntry {
	at: string;
	login: string | null;
	refreshToken: string;
	result: "rotated" | "bad_refresh_token";
	reason?: "unknown" | "used" | "expired" | "killed";
	/** The access and refresh token the rotation issued. */
	accessToken?: string;
	newRefreshToken?: string;
}

/** Every refresh_token grant the stand-in answered for `login`, oldest first. */
export async function refreshLog(baseUrl: string, login: string): Promise<RefreshLogEntry[]> {
	return (await standInCall<{ refreshes: RefreshLogEntry[] }>(baseUrl, "GET", `/refreshes?login=${encodeURIComponent(login)}`)).refreshes;
}

/**
 * A user of the calling test's own with the GitHub App installed on their account, whose App
 * tokens get `lifetimes` from the next sign-in on.
 */
export async function createAppUser(baseUrl: string, lifetimes: AppTokenLifetimes = {}): Promise<StandInUser> {
	const user = await createStandInUser(baseUrl);
	await setAppInstalled(baseUrl, user.login, true);
	if (Object.keys(lifetimes).length > 0) await setAppTokenLifetimes(baseUrl, user.login, lifetimes);
	return user;
}
