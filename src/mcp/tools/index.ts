/**
 * Every tool, with the MCP scope it needs. The agent registers the tools a session's token may
 * call (so tools/list shows only those), and the guard checks the same table on every
 * tools/call (so a call the token does not cover gets HTTP 403 insufficient_scope).
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { McpScope } from "../../scopes";
import type { ToolContext } from "../tool-context";
import { registerAddTool } from "./add";
import { registerCreateIssueTool } from "./create-issue";
import { registerListReposTool } from "./list-repos";
import { registerWhoamiTool } from "./whoami";

export interface ToolEntry {
	name: string;
	/** The MCP scope a token needs to see and call this tool; null for tools that touch no user data. */
	scope: McpScope | null;
	register(server: McpServer, context: ToolContext): void;
}

// TEMPLATE: add your tools here, each with the scope it needs.
export const TOOLS: readonly ToolEntry[] = [
	{ name: "add", scope: null, register: (server) => registerAddTool(server) },
	{ name: "whoami", scope: "github:read", register: registerWhoamiTool },
	{ name: "list_repos", scope: "github:read", register: registerListReposTool },
	{ name: "create_issue", scope: "github:write", register: registerCreateIssueTool },
];

/** The scope a tool needs; null when none (or for an unknown tool, which the server rejects itself). */
export function requiredScopeForTool(name: string): McpScope | null {
	return TOOLS.find((tool) => tool.name === name)?.scope ?? null;
}
