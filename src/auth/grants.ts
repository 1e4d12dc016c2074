/**
 * Ending a grant from anywhere: the OAuth library revokes the grant with its access and refresh
 * tokens, and the grant's Durable Object deletes the grant's MCP sessions and stored tokens.
 * Used when the user revokes a client on /connections, and when the upstream refuses the grant
 * for good (a dead GitHub refresh token), so the client signs in again instead of looping.
 */
import { getOAuthApi } from "@cloudflare/workers-oauth-provider";
import { readConfig } from "../config";
import type { GrantRef } from "../mcp/caller";
import { createOAuthOptions } from "../oauth";
import { grantStore } from "../state/stubs";

export async function endGrant(env: Env, origin: string, grant: Pick<GrantRef, "userId" | "grantId">): Promise<void> {
	const helpers = getOAuthApi(createOAuthOptions(origin), env);
	await helpers.revokeGrant(grant.grantId, grant.userId);
	await grantStore(env, readConfig(env).jurisdiction, grant).end();
	console.warn(JSON.stringify({ type: "grant_ended", userId: grant.userId, grantId: grant.grantId }));
}
