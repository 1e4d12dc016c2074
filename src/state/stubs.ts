/** The Durable Objects that hold per-grant and per-user state, in the configured jurisdiction. */
import type { Jurisdiction } from "../config";
import type { GrantRef } from "../mcp/caller";
import { grantKey } from "../mcp/caller";

function inJurisdiction<T extends Rpc.DurableObjectBranded | undefined>(
	namespace: DurableObjectNamespace<T>,
	jurisdiction: Jurisdiction | undefined,
): DurableObjectNamespace<T> {
	return jurisdiction ? namespace.jurisdiction(jurisdiction) : namespace;
}

export function grantStore(env: Env, jurisdiction: Jurisdiction | undefined, grant: Pick<GrantRef, "userId" | "grantId">) {
	const namespace = inJurisdiction(env.GRANT_STORE, jurisdiction);
	return namespace.get(namespace.idFromName(grantKey(grant)));
}

export function userStore(env: Env, jurisdiction: Jurisdiction | undefined, userId: string) {
	const namespace = inJurisdiction(env.USER_STORE, jurisdiction);
	return namespace.get(namespace.idFromName(`user:${userId}`));
}
