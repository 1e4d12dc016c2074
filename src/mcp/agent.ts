/**
 * The MCP server: one McpAgent Durable Object per MCP session. `init()` registers the tools and
 * nothing else; each tool lives in its own file under ./tools and reads the user only through
 * the ToolContext, so moving to another MCP runtime touches this file alone.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpAgent } from "agents/mcp";
import { SERVER_NAME } from "../auth/consent-page";
import { readApiConfig } from "../config";
import { type Props, parseProps } from "../props";
import type { ToolContext } from "./tool-context";
import { registerAddTool } from "./tools/add";
import { registerListReposTool } from "./tools/list-repos";
import { registerWhoamiTool } from "./tools/whoami";

export const SERVER_VERSION = "0.1.0";

export class GitHubMcpAgent extends McpAgent<Env, Record<string, never>, Props> {
	server = new McpServer(
		{ name: SERVER_NAME, version: SERVER_VERSION },
		{ instructions: "Tools that act on the signed-in user's GitHub account. Start with whoami to see which account that is." },
	);

	async init(): Promise<void> {
		const context: ToolContext = {
			// Read on every call: props are set by the OAuth provider for each request.
			props: () => parseProps(this.props),
			api: () => readApiConfig(this.env),
		};
		registerAddTool(this.server);
		registerWhoamiTool(this.server, context);
		registerListReposTool(this.server, context);
	}
}
