/**
 * GitHub as the identity provider: the OAuth web flow of an OAuth App or a GitHub App, the token
 * refresh of a GitHub App's expiring user tokens, and the user lookup. Every response is validated
 * with zod; every failure becomes an UpstreamError whose internal detail never contains a token, a
 * code or a secret.
 *
 * - OAuth App: tokens do not expire; the scopes asked for follow from the MCP scopes granted.
 * - GitHub App (GITHUB_APP_SLUG set): permissions are the app's, so no scopes are asked for; with
 *   "Expire user authorization tokens" on, tokens last 8 hours and come with a rotating refresh
 *   token (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens).
 */
import { z } from "zod";
import { type GitHubSignInConfig, readGithubSignInConfig } from "../config";
import type { McpScope } from "../scopes";
import { normalizeScopes } from "../scopes";
import { USER_AGENT } from "../server-info";
import { type IdentityProvider, UpstreamError, type UpstreamTokens, type UpstreamUser } from "./types";

const GITHUB_TIMEOUT_MS = 10_000;

/**
 * TEMPLATE: the GitHub OAuth scopes each MCP scope needs (OAuth Apps only; a GitHub App's
 * permissions are set on the app, see README). GitHub cannot grant read-only access to private
 * repositories (`repo` is read and write), so `github:private` asks for `repo` and this server
 * keeps it read-only unless `github:write` is granted too.
 */
export const GITHUB_SCOPES_FOR: Record<McpScope, readonly string[]> = {
	"github:read": ["read:user", "user:email"],
	"github:private": ["repo"],
	"github:write": ["public_repo"],
};

/** The GitHub OAuth scopes needed for these MCP scopes (`repo` already covers `public_repo`). */
export function githubScopesFor(scopes: readonly string[]): string[] {
	const github = new Set<string>();
	for (const scope of normalizeScopes(scopes)) for (const item of GITHUB_SCOPES_FOR[scope]) github.add(item);
	if (github.has("repo")) github.delete("public_repo");
	return [...github];
}

export function githubIdentityProvider(env: object): IdentityProvider {
	return createGithubProvider(readGithubSignInConfig(env));
}

export function createGithubProvider(config: GitHubSignInConfig): IdentityProvider {
	return {
		wording: {
			name: "GitHub",
			revokeUrl: config.appSlug ? `${config.baseUrl}/settings/apps/authorizations` : `${config.baseUrl}/settings/applications`,
			credentialSettings: ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"],
		},
		authorizeUrl: (params) => authorizeUrl(config, params),
		exchangeCode: (params) =>
			tokenRequest(config, {
				grant_type: "authorization_code",
				code: params.code,
				redirect_uri: params.redirectUri,
				code_verifier: params.codeVerifier,
			}),
		refresh: (refreshToken) => tokenRequest(config, { grant_type: "refresh_token", refresh_token: refreshToken }),
		fetchUser: (tokens) => fetchUser(config, tokens),
		installationUrl: () => (config.appSlug ? `${config.baseUrl}/apps/${config.appSlug}/installations/new` : null),
	};
}

function authorizeUrl(
	config: GitHubSignInConfig,
	params: { redirectUri: string; state: string; codeChallenge: string; scopes: readonly McpScope[] },
): string {
	const url = new URL(`${config.baseUrl}/login/oauth/authorize`);
	url.searchParams.set("client_id", config.clientId);
	url.searchParams.set("redirect_uri", params.redirectUri);
	// A GitHub App's permissions are fixed on the app; GitHub ignores `scope` for it.
	if (!config.appSlug) url.searchParams.set("scope", githubScopesFor(params.scopes).join(" "));
	url.searchParams.set("state", params.state);
	// RFC 7636: GitHub supports S256 PKCE; the verifier never leaves the Worker until the exchange.
	url.searchParams.set("code_challenge", params.codeChallenge);
	url.searchParams.set("code_challenge_method", "S256");
	// Don't offer GitHub's "create an account" detour in the middle of an MCP authorization.
	url.searchParams.set("allow_signup", "false");
	return url.toString();
}

const TokenSuccess = z.object({
	access_token: z.string().min(1),
	token_type: z.string().optional(),
	scope: z.string().optional().default(""),
	// GitHub Apps with expiring user tokens.
	expires_in: z.number().int().positive().optional(),
	refresh_token: z.string().min(1).optional(),
	refresh_token_expires_in: z.number().int().positive().optional(),
});
const TokenFailure = z.object({ error: z.string(), error_description: z.string().optional() });

/** GitHub's token endpoint, for both the code exchange and the refresh. */
async function tokenRequest(config: GitHubSignInConfig, params: Record<string, string>): Promise<UpstreamTokens> {
	const started = Date.now();
	const response = await githubFetch(`${config.baseUrl}/login/oauth/access_token`, {
		method: "POST",
		headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ client_id: config.clientId, client_secret: config.clientSecret, ...params }),
	});
	if (!response.ok) throw new UpstreamError("unavailable", `token endpoint answered HTTP ${response.status}`);
	const body: unknown = await response.json().catch(() => null);

	// GitHub reports token endpoint errors with HTTP 200 and an `error` field.
	const failure = TokenFailure.safeParse(body);
	if (failure.success) {
		const code = failure.data.error;
		const kind =
			code === "incorrect_client_credentials"
				? "bad_client"
				: params.grant_type === "refresh_token"
					? // bad_refresh_token: revoked, expired, or already used (GitHub rotates it).
						"revoked"
					: "invalid_code";
		throw new UpstreamError(kind, `token endpoint error ${code}`);
	}
	const success = TokenSuccess.safeParse(body);
	if (!success.success) throw new UpstreamError("unexpected", "token endpoint answered an unrecognised body");
	const data = success.data;
	return {
		accessToken: data.access_token,
		...(data.refresh_token ? { refreshToken: data.refresh_token } : {}),
		...(data.expires_in ? { expiresAt: started + data.expires_in * 1000 } : {}),
		...(data.refresh_token_expires_in ? { refreshTokenExpiresAt: started + data.refresh_token_expires_in * 1000 } : {}),
		scopes: splitScopes(data.scope),
	};
}

const UserSchema = z.object({
	id: z.number().int().positive(),
	login: z.string().min(1),
	name: z.string().nullable().optional(),
	email: z.string().nullable().optional(),
});
const EmailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/** The signed-in user, with the primary verified email when the token may read it. */
async function fetchUser(config: GitHubSignInConfig, tokens: UpstreamTokens): Promise<UpstreamUser> {
	const response = await githubFetch(`${config.apiUrl}/user`, { headers: apiHeaders(tokens.accessToken) });
	if (!response.ok) throw new UpstreamError("unavailable", `GET /user answered HTTP ${response.status}`);
	const user = UserSchema.safeParse(await response.json().catch(() => null));
	if (!user.success) throw new UpstreamError("unexpected", "GET /user answered an unrecognised body");

	let email = user.data.email ?? null;
	// OAuth Apps need user:email for /user/emails; a GitHub App needs the "Email addresses" permission.
	if (email === null && (config.appSlug !== null || tokens.scopes.includes("user:email") || tokens.scopes.includes("user"))) {
		email = await fetchPrimaryVerifiedEmail(config, tokens.accessToken);
	}
	return { id: String(user.data.id), login: user.data.login, name: user.data.name ?? null, email };
}

// The email is a convenience for tools, not required for sign-in: a failure here is not fatal.
async function fetchPrimaryVerifiedEmail(config: GitHubSignInConfig, accessToken: string): Promise<string | null> {
	try {
		const response = await githubFetch(`${config.apiUrl}/user/emails`, { headers: apiHeaders(accessToken) });
		if (!response.ok) return null;
		const emails = EmailsSchema.safeParse(await response.json());
		if (!emails.success) return null;
		return emails.data.find((entry) => entry.primary && entry.verified)?.email ?? null;
	} catch {
		return null;
	}
}

function apiHeaders(accessToken: string): Record<string, string> {
	return {
		Accept: "application/vnd.github+json",
		Authorization: `Bearer ${accessToken}`,
		"X-GitHub-Api-Version": "2022-11-28",
	};
}

async function githubFetch(url: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
	try {
		return await fetch(url, {
			...init,
			headers: { "User-Agent": USER_AGENT, ...init.headers },
			redirect: "manual",
			signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS),
		});
	} catch (error) {
		// Network failure or timeout. Only the error's name is kept: its message could echo the URL.
		throw new UpstreamError("unavailable", `request to GitHub failed: ${error instanceof Error ? error.name : "unknown error"}`);
	}
}

/** GitHub joins granted scopes with commas ("repo,user:email"); be lenient about spaces too. */
export function splitScopes(scope: string): string[] {
	return scope
		.split(/[\s,]+/)
		.map((item) => item.trim())
		.filter(Boolean);
}
