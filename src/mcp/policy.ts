/**
 * Which tools, resources and prompts a caller sees and may use. One rule for both lanes, for
 * tools/list and for every call:
 *
 * 1. scope: the token must carry the tool's MCP scope (the guard answers a missing one with HTTP
 *    403 insufficient_scope before the call reaches a lane, so the client can step up);
 * 2. view: the toolsets the client chose, and read-only mode, which hides every write tool
 *    whatever the scopes (narrowing never widens: a tool outside the token's scopes stays out);
 * 3. allow-list: restricted (write) tools only for ALLOWED_GITHUB_LOGINS / ALLOWED_GITHUB_ORGS,
 *    when either is set. A login counts only for the account that first used it here
 *    (login-pins.ts). Organisation membership is read from GitHub with the caller's token
 *    (GitHub lists private memberships only with read:org, so by default public ones count).
 *
 * And which repositories: private ones only with github:private (mustKeepToPublicRepositories).
 */
import type { Octokit } from "@octokit/core";
import type { GitHubConfig } from "../config";
import type { Caller } from "./caller";
import { isWriteTool, type ResourceDefinition, type ToolDefinition } from "./define";
import { type LoginPins, loginPins } from "./login-pins";
import { PROMPTS, RESOURCES, TOOLS } from "./registry";

export interface WriteAllowList {
	logins: string[];
	orgs: string[];
}

/** The allow-list as the checks use it: the configured names, and which account holds each login. */
export interface AllowList extends WriteAllowList {
	pins: LoginPins;
}

export function allowListOf(config: { writeAllowList: WriteAllowList }, kv: KVNamespace): AllowList {
	return { ...config.writeAllowList, pins: loginPins(kv) };
}

export function isRestricted(allowList: WriteAllowList): boolean {
	return allowList.logins.length > 0 || allowList.orgs.length > 0;
}

/**
 * Whether this server must keep the caller's GitHub requests to public repositories itself: the
 * connection was not granted github:private, yet its GitHub token can read private repositories.
 * A GitHub App's user token reads every repository of the app's installations, whatever the MCP
 * scopes (GitHub App permissions are the app's, not the token's); an OAuth App token keeps `repo`
 * when the MCP token is narrowed at a refresh. Otherwise GitHub itself hides private repositories
 * from a token without `repo`.
 */
export function mustKeepToPublicRepositories(caller: Pick<Caller, "scopes" | "upstream">, github: Pick<GitHubConfig, "appSlug">): boolean {
	if (caller.scopes.includes("github:private")) return false;
	return github.appSlug !== null || caller.upstream.scopes.includes("repo");
}

/** Whether the caller's token and chosen view admit this tool (the allow-list aside). */
export function toolInView(tool: ToolDefinition, caller: Pick<Caller, "scopes" | "view"> | null): boolean {
	if (caller === null) return tool.scope === null && !tool.restricted;
	if (tool.scope !== null && !caller.scopes.includes(tool.scope)) return false;
	if (caller.view.toolsets !== null && !caller.view.toolsets.includes(tool.toolset)) return false;
	if (caller.view.readonly && isWriteTool(tool)) return false;
	return true;
}

/** The tools a caller sees, in registry order (deterministic for clients and caches). */
export function visibleTools(caller: Pick<Caller, "scopes" | "view"> | null, restrictedAllowed: boolean): ToolDefinition[] {
	return TOOLS.filter((tool) => toolInView(tool, caller) && (!tool.restricted || restrictedAllowed));
}

export function visibleResources(caller: Pick<Caller, "scopes"> | null): ResourceDefinition[] {
	return RESOURCES.filter((resource) => resource.scope === null || caller?.scopes.includes(resource.scope) === true);
}

export function visiblePrompts() {
	return PROMPTS;
}

/**
 * Whether this user may use the restricted tools. Throws GitHub's error when GitHub cannot tell
 * (down, rate limited, the token refused): each caller decides how to fail closed.
 */
export async function mayUseRestrictedTools(allowList: AllowList, caller: Caller | null, github: () => Octokit): Promise<boolean> {
	if (!isRestricted(allowList)) return true;
	if (caller === null) return false;
	const login = caller.user.login.toLowerCase();
	if (allowList.logins.includes(login) && (await allowList.pins.holds(login, caller.user.id))) return true;
	if (allowList.orgs.length === 0) return false;
	const { data } = await github().request("GET /user/orgs", { per_page: 100 });
	const orgs = data.map((org) => org.login.toLowerCase());
	return allowList.orgs.some((org) => orgs.includes(org));
}

// Listing may reuse a recent answer (a tools/list should not cost a GitHub call each time); a
// call never does (invoke.ts asks GitHub again).
const LISTING_TTL_MS = 60_000;
const listingCache = new Map<string, { allowed: boolean; at: number }>();

export async function mayListRestrictedTools(allowList: AllowList, caller: Caller | null, github: () => Octokit): Promise<boolean> {
	if (!isRestricted(allowList)) return true;
	if (caller === null) return false;
	const key = `${caller.user.id}\n${allowList.logins.join(",")}\n${allowList.orgs.join(",")}`;
	const cached = listingCache.get(key);
	if (cached && Date.now() - cached.at < LISTING_TTL_MS) return cached.allowed;
	let allowed: boolean;
	try {
		allowed = await mayUseRestrictedTools(allowList, caller, github);
	} catch {
		// GitHub could not tell: hide them from this listing, and ask again at the next (a failure
		// is not an answer to keep for a minute).
		return false;
	}
	if (listingCache.size > 1000) listingCache.clear();
	listingCache.set(key, { allowed, at: Date.now() });
	return allowed;
}
