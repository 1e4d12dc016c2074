/**
 * The authless variant's MCP server: the tools and resources that need no user (add,
 * add_to_counter, the counter) from the same definitions as the main server, with no sign-in.
 * Served by src/authless.ts as its own Worker (`npx wrangler deploy -c wrangler.authless.jsonc`).
 * The main server always requires sign-in.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpAgent } from "agents/mcp";
import { SERVER_VERSION } from "../server-info";
import { CANNOT_CONFIRM } from "./confirm";
import { stateCounter, type ToolContext } from "./define";
import type { SessionState } from "./lanes/agent";
import { registerOnV1 } from "./lanes/register-v1";
import { NO_LOGIN_PINS } from "./login-pins";
import { visibleResources, visibleTools } from "./policy";
import { PROMPTS } from "./registry";

export class PublicMcpAgent extends McpAgent<Env, SessionState, Record<string, never>> {
	server = new McpServer({ name: "Public MCP demo", version: SERVER_VERSION }, { instructions: "Demo tools that need no sign-in." });

	override initialState: SessionState = { counter: 0 };

	async init(): Promise<void> {
		const context: ToolContext = {
			caller: null,
			github: () => {
				throw new Error("The authless server has no GitHub user.");
			},
			confirm: async () => ({ confirmed: false, result: CANNOT_CONFIRM }),
			counter: stateCounter(this),
			installationUrl: null,
		};
		// Only what touches no user data: no scope, no allow-list (policy.ts with no caller).
		registerOnV1(
			this.server,
			{ tools: visibleTools(null, false), resources: visibleResources(null), prompts: PROMPTS.filter(() => false) },
			() => context,
			() => ({ allowList: { logins: [], orgs: [], pins: NO_LOGIN_PINS }, audit: async () => {} }),
		);
	}
}
