/**
 * Allow-listed logins, each pinned to the GitHub account that first used it here. GitHub lets
 * anyone take a login its owner renamed away or deleted, so ALLOWED_GITHUB_LOGINS alone would let
 * a stranger in under the old name. The first account seen with an allow-listed login is
 * remembered by its numeric id (which GitHub never changes or reuses); another account with that
 * login is then refused, and a log line says so. To let a new account in under an old login on
 * purpose, delete its pin (`allow-login:<login>` in OAUTH_KV).
 */

export interface LoginPins {
	/** Whether the account `id` holds this allow-listed login here: the first one seen does, for good. */
	holds(login: string, id: string): Promise<boolean>;
}

export function loginPins(kv: KVNamespace): LoginPins {
	return {
		async holds(login, id) {
			// Logins are compared in lower case, as GitHub does.
			const key = `allow-login:${login.toLowerCase()}`;
			const pinned = await kv.get(key);
			if (pinned === null) {
				await kv.put(key, id);
				return true;
			}
			if (pinned === id) return true;
			console.warn(JSON.stringify({ type: "allowlist_login_held_by_another_account", login: login.toLowerCase() }));
			return false;
		},
	};
}

/** For a server with no allow-listed logins (the authless variant): no login is held. */
export const NO_LOGIN_PINS: LoginPins = { holds: async () => false };
