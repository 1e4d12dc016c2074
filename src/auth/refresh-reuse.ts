/**
 * Refresh token reuse detection (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2). The library rotates refresh
 * tokens but keeps the previous one valid, so that a client whose response got lost can retry; it
 * does not notice when an already-used token comes back later, which is what a stolen one looks
 * like. So this server remembers (hashed) every refresh token that has been used, per grant, and a
 * used token presented again ends the whole grant (both the thief and the client lose it, and the
 * user signs in again), unless it is an honest retry: the newest used token, again within a short
 * grace window.
 *
 * That grace is also a thief's window: a stolen token replayed within it is taken for the
 * client's retry and rotates the grant, so the token the client holds is superseded without ever
 * having been used. RFC 9700 §4.14.2: when both present tokens, one presents an invalidated one,
 * and that is the breach. So every refresh token this server hands out in a refresh answer is
 * remembered too, and one of them presented after the grant has rotated past it, never used, ends
 * the grant as well.
 *
 * Storage: KV `refresh-used:<userId>:<grantId>` → { <sha256 of the token>: first use (epoch ms) }
 * and `refresh-issued:<userId>:<grantId>` → { <sha256>: issued (epoch ms) }, the newest 20 of
 * each, expiring with the grant's refresh window.
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

function issuedKeyOf(grant: { userId: string; grantId: string }): string {
	return `refresh-issued:${grant.userId}:${grant.grantId}`;
}

async function remember(env: Env, key: string, hash: string): Promise<void> {
	const seen = (await env.OAUTH_KV.get<UsedTokens>(key, "json")) ?? {};
	if (seen[hash] !== undefined) return;
	seen[hash] = Date.now();
	const newest = Object.entries(seen)
		.sort((a, b) => b[1] - a[1])
		.slice(0, KEEP);
	await env.OAUTH_KV.put(key, JSON.stringify(Object.fromEntries(newest)), { expirationTtl: TTL_SECONDS });
}

/** Ends the grant whose refresh token came back when it must not have, and answers that request. */
async function endReusedGrant(
	env: Env,
	origin: string,
	grant: { userId: string; grantId: string },
	reason: "reuse" | "superseded",
): Promise<Response> {
	console.warn(JSON.stringify({ type: "refresh_token_reuse", reason, userId: grant.userId, grantId: grant.grantId }));
	await endGrant(env, origin, grant, `refresh_token_${reason}`);
	await env.OAUTH_KV.delete(keyOf(grant));
	await env.OAUTH_KV.delete(issuedKeyOf(grant));
	return Response.json(
		{
			error: "invalid_grant",
			error_description: "This refresh token was already used. The authorization has been revoked; sign in again.",
		},
		{ status: 400, headers: { "Cache-Control": "no-store" } },
	);
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
	return endReusedGrant(env, origin, grant, "reuse");
}

/**
 * After a successful refresh: remember that this token has been used, and the token handed out
 * in its place (`issued`, from the answer).
 */
export async function recordRefreshTokenUse(env: Env, refreshToken: string, issued: string | null): Promise<void> {
	const grant = grantOfCredential(refreshToken);
	if (!grant) return;
	await remember(env, keyOf(grant), await hashOf(refreshToken));
	if (issued && grantOfCredential(issued)?.grantId === grant.grantId) await remember(env, issuedKeyOf(grant), await hashOf(issued));
}

/**
 * After the library refused a refresh: a token this server handed out, never used, that the grant
 * has rotated past (neither its current nor its previous token) was superseded by someone else's
 * refresh: end the grant. Anything else returns null (the library's answer stands).
 */
export async function endGrantOfSupersededToken(env: Env, origin: string, refreshToken: string): Promise<Response | null> {
	const grant = grantOfCredential(refreshToken);
	if (!grant) return null;
	const hash = await hashOf(refreshToken);
	const issued = (await env.OAUTH_KV.get<UsedTokens>(issuedKeyOf(grant), "json")) ?? {};
	if (issued[hash] === undefined) return null;
	const used = (await env.OAUTH_KV.get<UsedTokens>(keyOf(grant), "json")) ?? {};
	if (used[hash] !== undefined) return null;
	// The library's own record of the grant's tokens (SHA-256 hex, as here).
	const record = await env.OAUTH_KV.get<{ refreshTokenId?: string; previousRefreshTokenId?: string }>(
		`grant:${grant.userId}:${grant.grantId}`,
		"json",
	);
	if (!record || record.refreshTokenId === hash || record.previousRefreshTokenId === hash) return null;
	return endReusedGrant(env, origin, grant, "superseded");
}
