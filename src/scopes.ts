/**
 * The MCP scopes this server grants, what each lets a client do, and the GitHub OAuth scopes it
 * needs. The consent page offers them, the authorization server advertises them, the MCP guard
 * enforces them per tool call, and /callback asks GitHub only for what the granted ones need.
 *
 * GitHub cannot grant read-only access to private repositories (`repo` is read and write), so
 * `github:private` asks GitHub for `repo` and this server keeps it read-only unless
 * `github:write` is granted too.
 */

// TEMPLATE: the scopes your tools need, with the words the consent page shows and the GitHub
// OAuth scopes each requires.
export const MCP_SCOPES = {
	"github:read": {
		label: "Read your GitHub profile (login, name, primary email) and public repositories",
		github: ["read:user", "user:email"],
	},
	"github:private": {
		label: "Read your private repositories too",
		github: ["repo"],
	},
	"github:write": {
		label: "Create issues and comments as you",
		github: ["public_repo"],
	},
} as const satisfies Record<string, { label: string; github: readonly string[] }>;

export type McpScope = keyof typeof MCP_SCOPES;

export const ALL_MCP_SCOPES = Object.keys(MCP_SCOPES) as McpScope[];

/** What every token carries: a client that asks for nothing gets this. */
export const BASE_SCOPE: McpScope = "github:read";

export function isMcpScope(value: string): value is McpScope {
	return Object.hasOwn(MCP_SCOPES, value);
}

/** The scopes a grant really gets: known ones only, always including the base scope, in a stable order. */
export function normalizeScopes(requested: readonly string[]): McpScope[] {
	const wanted = new Set<string>([BASE_SCOPE, ...requested]);
	return ALL_MCP_SCOPES.filter((scope) => wanted.has(scope));
}

/** The GitHub OAuth scopes needed for these MCP scopes (`repo` already covers `public_repo`). */
export function githubScopesFor(scopes: readonly string[]): string[] {
	const github = new Set<string>();
	for (const scope of normalizeScopes(scopes)) for (const item of MCP_SCOPES[scope].github) github.add(item);
	if (github.has("repo")) github.delete("public_repo");
	return [...github];
}
