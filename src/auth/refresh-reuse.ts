/**
 * Refresh token reuse detection (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2). The library rotates refresh
 * tokens but keeps the previous one valid, so that a client whose response got lost can retry; it
 * does not notice when an already-used token comes back later, which is what a stolen one looks
 * like. So this server remembers (hashed) every refresh token that has been used, per grant, and a
 * used token presented again ends the whole grant (both the thief and the client lose it, and the
 * user signs in again), unless it is an honest retry: the newest used token, again within a short
 * grace window.
 *
 * Storage: KV `refresh-used:<userId>:<grantId>` → { <sha256 of the token>: first use (epoch ms) },
 * the newest 20, expiring with the grant's refresh window.
 */
import { toHex } from "../encoding";
import { endGrant, grantOfCredential } from "./grants";

/** A retry of the same refresh within this window is honest (a lost response). */
export const REFRESH_RETRY_GRACE_MS = 60_000;
const KEEP = 20;
const TTL_SECONDS = 30 * 24 * 60 * 60;

/** sha256 (hex) of a used refresh token → when it was first used (epoch ms). */
export type UsedTokens = Record<string, number>;

async function hashOf(refreshToken: string): Promise<string> {
	return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(refreshToken)));
}

function keyOf(grant: { userId: string; grantId: string }): string {
	return `refresh-used:${grant.userId}:${grant.grantId}`;
}

/**
 * Whether presenting the token with this hash at `now` is reuse. An unused token is not. A used
 * one is, once the grace window has passed, or at once when a newer token of the grant has been
 * used since: the client then got this token's answer, so this is not its retry.
 */
export function isRefreshTokenReuse(used: UsedTokens, hash: string, now: number): boolean {
	const firstUse = used[hash];
	if (firstUse === undefined) return false;
	if (now - firstUse > REFRESH_RETRY_GRACE_MS) return true;
	return Object.entries(used).some(([other, at]) => other !== hash && at > firstUse);
}

/**
 * Before the library sees a refresh: a reuse ends the grant and gets `invalid_grant` (the
 * library's answer for any unusable refresh token); anything else returns null.
 */
export async function refuseReusedRefreshToken(env: Env, origin: string, refreshToken: string): Promise<Response | null> {
	const grant = grantOfCredential(refreshToken);
	if (!grant) return null;
	const used = (await env.OAUTH_KV.get<UsedTokens>(keyOf(grant), "json")) ?? {};
	if (!isRefreshTokenReuse(used, await hashOf(refreshToken), Date.now())) return null;
	console.warn(JSON.stringify({ type: "refresh_token_reuse", userId: grant.userId, grantId: grant.grantId }));
	await endGrant(env, origin, grant, "refresh_token_reuse");
	await env.OAUTH_KV.delete(keyOf(grant));
	return Response.json(
		{
			error: "invalid_grant",
			error_description: "This refresh token was already used. The authorization has been revoked; sign in again.",
		},
		{ status: 400, headers: { "Cache-Control": "no-store" } },
	);
}

/** After a successful refresh: remember that this token has been used. */
export async function recordRefreshTokenUse(env: Env, refreshToken: string): Promise<void> {
	const grant = grantOfCredential(refreshToken);
	if (!grant) return;
	const key = keyOf(grant);
	const used = (await env.OAUTH_KV.get<UsedTokens>(key, "json")) ?? {};
	const hash = await hashOf(refreshToken);
	if (used[hash] !== undefined) return;
	used[hash] = Date.now();
	const newest = Object.entries(used)
		.sort((a, b) => b[1] - a[1])
		.slice(0, KEEP);
	await env.OAUTH_KV.put(key, JSON.stringify(Object.fromEntries(newest)), { expirationTtl: TTL_SECONDS });
}
