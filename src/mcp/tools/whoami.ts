/** `whoami`: who the session is signed in as, straight from the grant's props (no network). */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { NOT_SIGNED_IN, type ToolContext } from "../tool-context";

export function registerWhoamiTool(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"whoami",
		{
			title: "Who am I on GitHub",
			description:
				"Returns the GitHub account this MCP session is signed in as: numeric id, login, display name, email (when GitHub shared one), the MCP scopes this session was granted (github:read, github:private, github:write) and the GitHub OAuth scopes behind them. Use it to know whose repositories and issues the other tools act on. Makes no GitHub request.",
			annotations: { readOnlyHint: true, openWorldHint: false },
		},
		async () => {
			const props = context.props();
			if (!props) return NOT_SIGNED_IN;
			// Never the access token: it stays in props for the GitHub calls only.
			const identity = {
				id: props.githubId,
				login: props.login,
				name: props.name,
				email: props.email,
				scopes: props.mcpScopes,
				github_scopes: props.scopes,
			};
			return { content: [{ type: "text", text: JSON.stringify(identity, null, 2) }] };
		},
	);
}
