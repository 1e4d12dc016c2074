/**
 * The identity provider seam. Everything about the provider users sign in with lives behind this
 * interface (src/upstream/): its authorize URL, the code exchange, the token refresh, the user
 * lookup, which of its scopes each MCP scope needs, and the words the pages use for it. The rest of
 * the server sees a provider-neutral user and a way to get a valid upstream token.
 *
 * To sign users in with another provider, implement IdentityProvider in one new module and select
 * it in src/upstream/index.ts (README: "Use another identity provider").
 */
import { z } from "zod";
import type { McpScope } from "../scopes";

/** The signed-in user, as every page and tool sees them. */
export const UpstreamUserSchema = z.object({
	/**
	 * The provider's stable id (GitHub's numeric id as a string): the OAuth `userId`, never the
	 * login. Never contains ":" (the OAuth library's tokens are `userId:grantId:secret`): a provider
	 * whose subject can contain one encodes it (encodeURIComponent).
	 */
	id: z
		.string()
		.min(1)
		.max(255)
		.regex(/^[^:]+$/),
	login: z.string().min(1).max(255),
	name: z.string().nullable(),
	email: z.string().nullable(),
});
export type UpstreamUser = z.infer<typeof UpstreamUserSchema>;

/** The provider's tokens for one grant. Secret: stored only encrypted, never logged or returned. */
export const UpstreamTokensSchema = z.object({
	accessToken: z.string().min(1),
	/** Present when the access token expires and can be refreshed (GitHub Apps). */
	refreshToken: z.string().min(1).optional(),
	/** When the access token expires (epoch ms); absent for tokens that do not expire (OAuth Apps). */
	expiresAt: z.number().int().positive().optional(),
	/** When the refresh token expires (epoch ms). */
	refreshTokenExpiresAt: z.number().int().positive().optional(),
	/** The provider scopes actually granted (a user or an org policy may narrow them). */
	scopes: z.array(z.string()),
});
export type UpstreamTokens = z.infer<typeof UpstreamTokensSchema>;

export type UpstreamErrorKind =
	/** The provider could not be reached, timed out, or failed (5xx). Retry later. */
	| "unavailable"
	/** The authorization code was invalid, expired or used. */
	| "invalid_code"
	/** The provider refused this server's client credentials: an operator problem. */
	| "bad_client"
	/** The refresh token is dead (revoked, expired, already used): the user must sign in again. */
	| "revoked"
	/** The provider answered something unrecognised. */
	| "unexpected";

/** A failure talking to the provider. `internal` is for the operator's log: never a token, code or secret. */
export class UpstreamError extends Error {
	override readonly name = "UpstreamError";
	constructor(
		readonly kind: UpstreamErrorKind,
		readonly internal: string,
	) {
		super(`identity provider error (${kind})`);
	}
}

/** The words pages use for the provider. */
export interface UpstreamWording {
	/** "GitHub". */
	name: string;
	/** Where the user can see and revoke this server's access at the provider, if there is such a page. */
	revokeUrl: string | null;
	/** The settings holding this server's client credentials, named when the provider refuses them. */
	credentialSettings: readonly string[];
}

export interface IdentityProvider {
	readonly wording: UpstreamWording;
	/** Where the browser goes to sign in, after the user consented on our page. */
	authorizeUrl(params: { redirectUri: string; state: string; codeChallenge: string; scopes: readonly McpScope[] }): string;
	/** The back-channel code exchange (with the PKCE verifier). */
	exchangeCode(params: { code: string; redirectUri: string; codeVerifier: string }): Promise<UpstreamTokens>;
	/** A new token pair for a refresh token; throws UpstreamError("revoked") when it is dead. */
	refresh(refreshToken: string): Promise<UpstreamTokens>;
	/** The signed-in user. */
	fetchUser(tokens: UpstreamTokens): Promise<UpstreamUser>;
	/** Where a user grants access to more resources (a GitHub App's installation page), if anywhere. */
	installationUrl(): string | null;
}

/** Builds the provider from the Worker's configuration (throws ConfigError when it is incomplete). */
export type IdentityProviderFactory = (env: object) => IdentityProvider;

/** Refresh this long before expiry, so a call never starts with a token about to expire. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Whether these tokens must be refreshed before use. */
export function needsRefresh(tokens: UpstreamTokens, now = Date.now()): boolean {
	return tokens.refreshToken !== undefined && tokens.expiresAt !== undefined && tokens.expiresAt - now < REFRESH_MARGIN_MS;
}
