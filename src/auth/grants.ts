/**
 * Ending a grant from anywhere: the OAuth library revokes the grant with its access and refresh
 * tokens, the grant's Durable Object deletes the grant's MCP sessions and stored tokens, and the
 * user's GitHub response cache is emptied.
 * Used when the user revokes a client on /connections, when a refresh token is reused, and when
 * the upstream refuses the grant for good (a dead GitHub refresh token), so the client signs in
 * again instead of looping. When the library ends a grant by itself (RFC 7009 revocation of a
 * refresh token, a reused authorization code), the Worker ends what this server keeps for it with
 * `endGrantState` (worker.ts).
 */
import { getOAuthApi } from "@cloudflare/workers-oauth-provider";
import { readConfig } from "../config";
import type { GrantRef } from "../mcp/caller";
import { createOAuthOptions } from "../oauth";
import { grantStore, userStore } from "../state/stubs";

type GrantOf = Pick<GrantRef, "userId" | "grantId">;

/** The grant a credential of the library names: codes and tokens are `userId:grantId:secret`. */
export function grantOfCredential(credential: string | null | undefined): GrantOf | null {
	if (!credential) return null;
	const parts = credential.split(":");
	if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2]) return null;
	return { userId: parts[0], grantId: parts[1] };
}

/** Whether the library still holds the grant (its `grant:` record). */
export async function grantExists(env: Env, grant: GrantOf): Promise<boolean> {
	return (await env.OAUTH_KV.get(`grant:${grant.userId}:${grant.grantId}`)) !== null;
}

/** The grant is gone from the library: delete its MCP sessions' storage and its stored tokens. */
export async function endGrantState(env: Env, grant: GrantOf, reason: string): Promise<void> {
	const { jurisdiction } = readConfig(env);
	await grantStore(env, jurisdiction, grant).end();
	// What the user's connections read from GitHub (2026-07-28 lane, per user) goes too: it may hold
	// what only this grant could read, and a cache is only worth keeping while it saves requests.
	await userStore(env, jurisdiction, grant.userId).cacheClear();
	console.warn(JSON.stringify({ type: "grant_ended", reason, userId: grant.userId, grantId: grant.grantId }));
}

export async function endGrant(env: Env, origin: string, grant: GrantOf, reason = "ended"): Promise<void> {
	const helpers = getOAuthApi(createOAuthOptions(origin), env);
	await helpers.revokeGrant(grant.grantId, grant.userId);
	await endGrantState(env, grant, reason);
}
