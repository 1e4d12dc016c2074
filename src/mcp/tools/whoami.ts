/** `whoami`: who the session is signed in as, straight from the grant's props (no network). */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { NOT_SIGNED_IN, structuredResult, type ToolContext } from "../tool-context";

export function registerWhoamiTool(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"whoami",
		{
			title: "Who am I on GitHub",
			description:
				"Returns the GitHub account this MCP session is signed in as: numeric id, login, display name, email (when GitHub shared one), the MCP scopes this session was granted (github:read, github:private, github:write) and the GitHub OAuth scopes behind them. Use it to know whose repositories and issues the other tools act on. Makes no GitHub request.",
			outputSchema: {
				id: z.number().describe("GitHub's numeric user id."),
				login: z.string(),
				name: z.string().nullable(),
				email: z.string().nullable(),
				scopes: z.array(z.string()).describe("MCP scopes of this session."),
				github_scopes: z.array(z.string()).describe("GitHub OAuth scopes of the user's GitHub token."),
			},
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
			return structuredResult(JSON.stringify(identity, null, 2), identity);
		},
	);
}
