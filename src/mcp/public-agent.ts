/**
 * The authless variant's MCP server: the tools that need no user (add, add_to_counter) and the
 * session counter resource, with no sign-in. Served by src/authless.ts, deployed as its own
 * Worker (`wrangler deploy --env authless`). The main server always requires sign-in.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpAgent } from "agents/mcp";
import { readApiConfig } from "../config";
import type { SessionState } from "./agent";
import { registerCounterResource } from "./resources/counter";
import type { ToolContext } from "./tool-context";
import { TOOLS } from "./tools";

export class PublicMcpAgent extends McpAgent<Env, SessionState, Record<string, never>> {
	server = new McpServer({ name: "Public MCP demo", version: "0.1.0" }, { instructions: "Demo tools that need no sign-in." });

	override initialState: SessionState = { counter: 0 };

	async init(): Promise<void> {
		const context: ToolContext = {
			props: () => null,
			api: () => readApiConfig(this.env),
			github: () => {
				throw new Error("The authless server has no GitHub user.");
			},
			canElicit: () => false,
			elicit: () => Promise.reject(new Error("The authless server asks nothing.")),
			counter: {
				value: () => this.state.counter,
				add: (amount) => {
					const counter = this.state.counter + amount;
					this.setState({ ...this.state, counter });
					return counter;
				},
			},
		};
		// Only tools that touch no user data: those with no scope and no allow-list.
		for (const tool of TOOLS) if (tool.scope === null && !tool.restricted) tool.register(this.server, context);
		registerCounterResource(this.server, context.counter);
	}
}
