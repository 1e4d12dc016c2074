/**
 * The MCP server: one McpAgent Durable Object per MCP session. `init()` registers the tools and
 * nothing else; each tool lives in its own file under ./tools and reads the user only through
 * the ToolContext, so moving to another MCP runtime touches this file alone.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpAgent } from "agents/mcp";
import { SERVER_NAME } from "../auth/consent-page";
import { readApiConfig } from "../config";
import { parseSessionProps, type SessionProps } from "../props";
import type { ToolContext } from "./tool-context";
import { TOOLS } from "./tools";

export const SERVER_VERSION = "0.1.0";

export class GitHubMcpAgent extends McpAgent<Env, Record<string, never>, SessionProps> {
	server = new McpServer(
		{ name: SERVER_NAME, version: SERVER_VERSION },
		{ instructions: "Tools that act on the signed-in user's GitHub account. Start with whoami to see which account that is." },
	);

	async init(): Promise<void> {
		const context: ToolContext = {
			props: () => parseSessionProps(this.props),
			api: () => readApiConfig(this.env),
		};
		// Only the tools this session's token may call: tools/list then shows exactly those.
		// (The guard also checks every tools/call, whatever a client sends.)
		const granted = new Set(parseSessionProps(this.props)?.mcpScopes ?? []);
		for (const tool of TOOLS) {
			if (tool.scope === null || granted.has(tool.scope)) tool.register(this.server, context);
		}
	}
}
