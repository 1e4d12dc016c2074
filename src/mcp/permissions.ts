/**
 * Who may use the restricted tools (the write tools): an allow-list of GitHub logins and/or
 * organisations, from the ALLOWED_GITHUB_LOGINS and ALLOWED_GITHUB_ORGS vars. Both empty (the
 * default) means no restriction. Checked when the session registers its tools (so others never
 * see them) and again on every call (so a call by name is refused too).
 *
 * Organisation membership is read from GitHub (GET /user/orgs) with the user's token; GitHub
 * lists private memberships only with the read:org scope, so with the default scopes only
 * public memberships count.
 */
export interface AccessPolicy {
	logins: string[];
	orgs: string[];
}

function list(value: unknown): string[] {
	return typeof value === "string"
		? value
				.split(/[\s,]+/)
				.map((item) => item.trim().toLowerCase())
				.filter(Boolean)
		: [];
}

export function readAccessPolicy(env: object): AccessPolicy {
	return { logins: list(Reflect.get(env, "ALLOWED_GITHUB_LOGINS")), orgs: list(Reflect.get(env, "ALLOWED_GITHUB_ORGS")) };
}

export function isRestricted(policy: AccessPolicy): boolean {
	return policy.logins.length > 0 || policy.orgs.length > 0;
}

/** Whether this user may use the restricted tools. `orgsOf` is called only when needed. */
export async function mayUseRestrictedTools(policy: AccessPolicy, login: string, orgsOf: () => Promise<string[]>): Promise<boolean> {
	if (!isRestricted(policy)) return true;
	if (policy.logins.includes(login.toLowerCase())) return true;
	if (policy.orgs.length === 0) return false;
	try {
		const orgs = (await orgsOf()).map((org) => org.toLowerCase());
		return policy.orgs.some((org) => orgs.includes(org));
	} catch {
		// GitHub unavailable: fail closed.
		return false;
	}
}
