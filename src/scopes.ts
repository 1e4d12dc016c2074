/**
 * The MCP scopes this server grants and what each lets a client do. The consent page offers them
 * (with these words), the authorization server advertises them, the MCP guard enforces them per
 * tool call, and the identity provider asks only for what the granted ones need
 * (src/upstream/github.ts maps them to GitHub OAuth scopes).
 */

// TEMPLATE: the scopes your tools need, with the words the consent page shows.
export const MCP_SCOPES = {
	"github:read": { label: "Read your GitHub profile (login, name, primary email) and public repositories" },
	"github:private": { label: "Read your private repositories too" },
	"github:write": { label: "Create issues and comments as you" },
} as const satisfies Record<string, { label: string }>;

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
