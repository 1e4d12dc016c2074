/**
 * GitHub's OAuth web flow, as the Worker's upstream identity provider: the authorize URL, the
 * code exchange (with PKCE) and the user lookup. Every response is validated with zod; every
 * failure becomes a GitHubAuthError whose public message is safe to show and whose internal
 * detail never contains a token, a code or a secret.
 *
 * Docs: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 */
import { z } from "zod";
import type { Config } from "../config";

const USER_AGENT = "remote-mcp-github-oauth";
const GITHUB_TIMEOUT_MS = 10_000;

export type GitHubAuthErrorKind = "unavailable" | "invalid_code" | "bad_client" | "unexpected";

export class GitHubAuthError extends Error {
	override readonly name = "GitHubAuthError";
	constructor(
		readonly kind: GitHubAuthErrorKind,
		/** For the operator's log: status codes and GitHub error codes only. */
		readonly internal: string,
	) {
		super(`GitHub sign-in failed (${kind})`);
	}
}

export interface GitHubUser {
	id: number;
	login: string;
	name: string | null;
	email: string | null;
}

export function githubAuthorizeUrl(
	config: Pick<Config, "GITHUB_BASE_URL" | "GITHUB_CLIENT_ID">,
	params: { redirectUri: string; state: string; codeChallenge: string; scopes: readonly string[] },
): string {
	const url = new URL(`${config.GITHUB_BASE_URL}/login/oauth/authorize`);
	url.searchParams.set("client_id", config.GITHUB_CLIENT_ID);
	url.searchParams.set("redirect_uri", params.redirectUri);
	url.searchParams.set("scope", params.scopes.join(" "));
	url.searchParams.set("state", params.state);
	// RFC 7636: GitHub supports S256 PKCE for OAuth Apps; the verifier never leaves the Worker
	// until the back-channel exchange.
	url.searchParams.set("code_challenge", params.codeChallenge);
	url.searchParams.set("code_challenge_method", "S256");
	// Don't offer GitHub's "create an account" detour in the middle of an MCP authorization.
	url.searchParams.set("allow_signup", "false");
	return url.toString();
}

/** A high-entropy PKCE verifier (RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~]). */
export function createCodeVerifier(): string {
	return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function codeChallengeS256(verifier: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
	return base64url(new Uint8Array(digest));
}

const TokenSuccess = z.object({
	access_token: z.string().min(1),
	token_type: z.string().optional(),
	scope: z.string().optional().default(""),
});
const TokenFailure = z.object({ error: z.string(), error_description: z.string().optional() });

export async function exchangeGithubCode(
	config: Pick<Config, "GITHUB_BASE_URL" | "GITHUB_CLIENT_ID" | "GITHUB_CLIENT_SECRET">,
	params: { code: string; redirectUri: string; codeVerifier: string },
): Promise<{ accessToken: string; scopes: string[] }> {
	const response = await githubFetch(`${config.GITHUB_BASE_URL}/login/oauth/access_token`, {
		method: "POST",
		headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({
			client_id: config.GITHUB_CLIENT_ID,
			client_secret: config.GITHUB_CLIENT_SECRET,
			code: params.code,
			redirect_uri: params.redirectUri,
			code_verifier: params.codeVerifier,
		}),
	});
	if (!response.ok) throw new GitHubAuthError("unavailable", `token endpoint answered HTTP ${response.status}`);
	const body: unknown = await response.json().catch(() => null);

	// GitHub reports exchange errors with HTTP 200 and an `error` field.
	const failure = TokenFailure.safeParse(body);
	if (failure.success) {
		const kind = failure.data.error === "incorrect_client_credentials" ? "bad_client" : "invalid_code";
		throw new GitHubAuthError(kind, `token endpoint error ${failure.data.error}`);
	}
	const success = TokenSuccess.safeParse(body);
	if (!success.success) throw new GitHubAuthError("unexpected", "token endpoint answered an unrecognised body");
	return { accessToken: success.data.access_token, scopes: splitScopes(success.data.scope) };
}

const UserSchema = z.object({
	id: z.number().int().positive(),
	login: z.string().min(1),
	name: z.string().nullable().optional(),
	email: z.string().nullable().optional(),
});
const EmailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/** The signed-in user, with the primary verified email when the granted scopes allow reading it. */
export async function fetchGithubUser(
	config: Pick<Config, "GITHUB_API_URL">,
	accessToken: string,
	scopes: readonly string[],
): Promise<GitHubUser> {
	const response = await githubFetch(`${config.GITHUB_API_URL}/user`, { headers: apiHeaders(accessToken) });
	if (!response.ok) throw new GitHubAuthError("unavailable", `GET /user answered HTTP ${response.status}`);
	const user = UserSchema.safeParse(await response.json().catch(() => null));
	if (!user.success) throw new GitHubAuthError("unexpected", "GET /user answered an unrecognised body");

	let email = user.data.email ?? null;
	if (email === null && (scopes.includes("user:email") || scopes.includes("user"))) {
		email = await fetchPrimaryVerifiedEmail(config, accessToken);
	}
	return { id: user.data.id, login: user.data.login, name: user.data.name ?? null, email };
}

// The email is a convenience for tools, not required for sign-in: a failure here is not fatal.
async function fetchPrimaryVerifiedEmail(config: Pick<Config, "GITHUB_API_URL">, accessToken: string): Promise<string | null> {
	try {
		const response = await githubFetch(`${config.GITHUB_API_URL}/user/emails`, { headers: apiHeaders(accessToken) });
		if (!response.ok) return null;
		const emails = EmailsSchema.safeParse(await response.json());
		if (!emails.success) return null;
		return emails.data.find((entry) => entry.primary && entry.verified)?.email ?? null;
	} catch {
		return null;
	}
}

function apiHeaders(accessToken: string): HeadersInit {
	return {
		Accept: "application/vnd.github+json",
		Authorization: `Bearer ${accessToken}`,
		"User-Agent": USER_AGENT,
		"X-GitHub-Api-Version": "2022-11-28",
	};
}

async function githubFetch(url: string, init: RequestInit): Promise<Response> {
	try {
		return await fetch(url, {
			...init,
			headers: { "User-Agent": USER_AGENT, ...(init.headers as Record<string, string>) },
			redirect: "manual",
			signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS),
		});
	} catch (error) {
		// Network failure or timeout. The URL has no secrets in it (they travel in the body),
		// but only the error's name is kept to be safe.
		throw new GitHubAuthError("unavailable", `request to GitHub failed: ${error instanceof Error ? error.name : "unknown error"}`);
	}
}

/** GitHub joins granted scopes with commas ("repo,user:email"); be lenient about spaces too. */
export function splitScopes(scope: string): string[] {
	return scope
		.split(/[\s,]+/)
		.map((item) => item.trim())
		.filter(Boolean);
}

function base64url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
