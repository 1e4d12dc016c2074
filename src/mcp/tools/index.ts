/**
 * Every tool, with the MCP scope it needs and whether it is restricted to the allow-list. The
 * agent registers the tools a session's token (and user) may call, so tools/list shows exactly
 * those; the guard checks the same table on every tools/call, so a call the token does not cover
 * gets HTTP 403 insufficient_scope.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { McpScope } from "../../scopes";
import type { ToolContext } from "../tool-context";
import { registerAddTool } from "./add";
import { registerAddIssueCommentTool } from "./add-issue-comment";
import { registerAddToCounterTool } from "./add-to-counter";
import { registerCreateIssueTool } from "./create-issue";
import { registerGetFileTool } from "./get-file";
import { registerGetIssueTool } from "./get-issue";
import { registerGetRepoTool } from "./get-repo";
import { registerListIssuesTool } from "./list-issues";
import { registerListReposTool } from "./list-repos";
import { registerSearchIssuesTool } from "./search-issues";
import { registerWhoamiTool } from "./whoami";

export interface ToolEntry {
	name: string;
	/** The MCP scope a token needs to see and call this tool; null for tools that touch no user data. */
	scope: McpScope | null;
	/** Restricted to the ALLOWED_GITHUB_LOGINS / ALLOWED_GITHUB_ORGS allow-list, when one is set. */
	restricted: boolean;
	register(server: McpServer, context: ToolContext): void;
}

// TEMPLATE: add your tools here, each with the scope it needs; mark write tools restricted.
export const TOOLS: readonly ToolEntry[] = [
	{ name: "add", scope: null, restricted: false, register: (server) => registerAddTool(server) },
	{
		name: "add_to_counter",
		scope: null,
		restricted: false,
		register: (server, context) => registerAddToCounterTool(server, context.counter),
	},
	{ name: "whoami", scope: "github:read", restricted: false, register: registerWhoamiTool },
	{ name: "list_repos", scope: "github:read", restricted: false, register: registerListReposTool },
	{ name: "get_repo", scope: "github:read", restricted: false, register: registerGetRepoTool },
	{ name: "list_issues", scope: "github:read", restricted: false, register: registerListIssuesTool },
	{ name: "get_issue", scope: "github:read", restricted: false, register: registerGetIssueTool },
	{ name: "search_issues", scope: "github:read", restricted: false, register: registerSearchIssuesTool },
	{ name: "get_file", scope: "github:read", restricted: false, register: registerGetFileTool },
	{ name: "create_issue", scope: "github:write", restricted: true, register: registerCreateIssueTool },
	{ name: "add_issue_comment", scope: "github:write", restricted: true, register: registerAddIssueCommentTool },
];

/** The scope a tool needs; null when none (or for an unknown tool, which the server rejects itself). */
export function requiredScopeForTool(name: string): McpScope | null {
	return TOOLS.find((tool) => tool.name === name)?.scope ?? null;
}
