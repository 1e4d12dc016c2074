/**
 * TEST ONLY: a second identity provider behind the seam (src/upstream/types.ts), for an OpenID
 * Connect-like provider (test/seam/oidc-standin.ts). The `seam` test project swaps it in for
 * src/upstream/index.ts, and only there: nothing in src/ imports it, so it never reaches the
 * production bundle.
 *
 * This module is everything a real provider needs besides its settings' values (OIDC_ISSUER,
 * OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, set as vars and secrets): README, "Use another identity
 * provider".
 */
import { z } from "zod";
import { PROVIDER_SETTING, readProviderSettings } from "../../src/config";
import { type IdentityProvider, UpstreamError, type UpstreamTokens, type UpstreamUser } from "../../src/upstream/types";

const SETTINGS = {
	OIDC_ISSUER: PROVIDER_SETTING.url("OIDC_ISSUER", "https://id.example.com"),
	OIDC_CLIENT_ID: PROVIDER_SETTING.secret("OIDC_CLIENT_ID", "It is the client ID of this server at your identity provider."),
	OIDC_CLIENT_SECRET: PROVIDER_SETTING.secret("OIDC_CLIENT_SECRET", "It is that client's secret."),
};

const TokenResponse = z.object({
	access_token: z.string().min(1),
	expires_in: z.number().int().positive().optional(),
	refresh_token: z.string().min(1).optional(),
	scope: z.string().optional().default(""),
});
const ErrorResponse = z.object({ error: z.string() });
const UserInfo = z.object({
	sub: z.string().min(1),
	preferred_username: z.string().min(1).optional(),
	name: z.string().nullable().optional(),
	email: z.string().nullable().optional(),
});

export function identityProvider(env: object): IdentityProvider {
	const settings = readProviderSettings(env, SETTINGS);
	const issuer = settings.OIDC_ISSUER;

	async function tokenRequest(params: Record<string, string>): Promise<UpstreamTokens> {
		const started = Date.now();
		let response: Response;
		try {
			response = await fetch(`${issuer}/token`, {
				method: "POST",
				headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
				body: new URLSearchParams({ client_id: settings.OIDC_CLIENT_ID, client_secret: settings.OIDC_CLIENT_SECRET, ...params }),
			});
		} catch (error) {
			throw new UpstreamError("unavailable", `token endpoint unreachable: ${error instanceof Error ? error.name : "unknown"}`);
		}
		const body: unknown = await response.json().catch(() => null);
		if (!response.ok) {
			const code = ErrorResponse.safeParse(body).data?.error;
			if (code === "invalid_client") throw new UpstreamError("bad_client", "token endpoint: invalid_client");
			// RFC 6749 §5.2: invalid_grant is a dead code or refresh token.
			if (code === "invalid_grant") {
				throw new UpstreamError(params.grant_type === "refresh_token" ? "revoked" : "invalid_code", "token endpoint: invalid_grant");
			}
			throw new UpstreamError("unavailable", `token endpoint answered HTTP ${response.status}`);
		}
		const tokens = TokenResponse.safeParse(body);
		if (!tokens.success) throw new UpstreamError("unexpected", "token endpoint answered an unrecognised body");
		return {
			accessToken: tokens.data.access_token,
			...(tokens.data.refresh_token ? { refreshToken: tokens.data.refresh_token } : {}),
			...(tokens.data.expires_in ? { expiresAt: started + tokens.data.expires_in * 1000 } : {}),
			scopes: tokens.data.scope.split(" ").filter(Boolean),
		};
	}

	return {
		wording: { name: "Example ID", revokeUrl: null, credentialSettings: ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] },
		authorizeUrl({ redirectUri, state, codeChallenge }) {
			const url = new URL(`${issuer}/authorize`);
			url.search = new URLSearchParams({
				response_type: "code",
				client_id: settings.OIDC_CLIENT_ID,
				redirect_uri: redirectUri,
				// The same claims whatever MCP scopes were granted; offline_access for a refresh token.
				scope: "openid profile email offline_access",
				state,
				code_challenge: codeChallenge,
				code_challenge_method: "S256",
			}).toString();
			return url.toString();
		},
		exchangeCode: ({ code, redirectUri, codeVerifier }) =>
			tokenRequest({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: codeVerifier }),
		refresh: (refreshToken) => tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken }),
		async fetchUser(tokens): Promise<UpstreamUser> {
			const response = await fetch(`${issuer}/userinfo`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } }).catch(() => null);
			if (!response?.ok) throw new UpstreamError("unavailable", `userinfo answered ${response?.status ?? "nothing"}`);
			const claims = UserInfo.safeParse(await response.json().catch(() => null));
			if (!claims.success) throw new UpstreamError("unexpected", "userinfo answered an unrecognised body");
			return {
				// OAuth user ids here cannot contain ":" (src/upstream/types.ts); OIDC subjects can.
				id: encodeURIComponent(claims.data.sub),
				login: claims.data.preferred_username ?? claims.data.sub,
				name: claims.data.name ?? null,
				email: claims.data.email ?? null,
			};
		},
		installationUrl: () => null,
	};
}
