/**
 * The upstream token for a caller's requests: the one in the grant's props while it is valid, the
 * grant's Durable Object (which refreshes, one refresh at a time) when it is about to expire or the
 * upstream refuses it. When the upstream refuses the grant for good, the grant is ended, so the
 * client signs in again on its next request instead of failing the same way forever.
 */
import { endGrant } from "../auth/grants";
import type { Jurisdiction } from "../config";
import { GithubAccessEndedError, type TokenSource } from "../github/client";
import type { Caller } from "../mcp/caller";
import { grantStore } from "../state/stubs";
import { needsRefresh, UpstreamError } from "./types";

export function callerTokenSource(env: Env, jurisdiction: Jurisdiction | undefined, caller: Caller, origin: string): TokenSource {
	let tokens = caller.upstream;
	const store = () => grantStore(env, jurisdiction, caller.grant);
	const ended = async (): Promise<never> => {
		await endGrant(env, origin, caller.grant, "upstream_revoked").catch((error: unknown) => {
			console.error(JSON.stringify({ type: "grant_end_failed", error: error instanceof Error ? error.name : "unknown" }));
		});
		throw new GithubAccessEndedError("the upstream refused this grant");
	};
	return {
		async current() {
			if (!needsRefresh(tokens)) return tokens.accessToken;
			const result = await store().tokens(caller.upstream);
			if (result.ok) {
				tokens = result.tokens;
				return tokens.accessToken;
			}
			if (result.reason === "revoked") return ended();
			throw new UpstreamError("unavailable", "the token refresh failed");
		},
		async renewAfterUnauthorized(stale) {
			const result = await store().renewAfterUnauthorized(stale, caller.upstream);
			if (result.ok) {
				tokens = result.tokens;
				return result.tokens.accessToken === stale ? null : result.tokens.accessToken;
			}
			if (result.reason === "revoked") {
				await ended().catch(() => {});
				return null;
			}
			throw new UpstreamError("unavailable", "the token refresh failed");
		},
	};
}
