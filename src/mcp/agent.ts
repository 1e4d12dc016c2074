/**
 * The MCP server: one McpAgent Durable Object per MCP session. `init()` sets up the session's
 * storage and registers what this session may use: tools (by the token's scopes and the
 * allow-list), the counter resource, the issue resource template and the triage prompt. Each
 * lives in its own file and reaches the user only through the ToolContext, so moving to another
 * MCP runtime touches this file alone.
 *
 * McpAgent capabilities shown here: `props` (the signed-in user, set by the OAuth provider),
 * `state`/`setState`/`initialState`/`onStateUpdate` (the session counter, which survives
 * hibernation and restarts), `sql` (a cache of GitHub responses for conditional requests) and
 * `elicitInput` (write tools ask the user to confirm).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { McpAgent } from "agents/mcp";
import { SERVER_NAME } from "../auth/consent-page";
import { readApiConfig } from "../config";
import { createGithubClient, type ResponseCache } from "../github/client";
import { parseSessionProps, type SessionProps } from "../props";
import { type AccessPolicy, isRestricted, mayUseRestrictedTools, readAccessPolicy } from "./permissions";
import { registerTriageIssuesPrompt } from "./prompts/triage-issues";
import { COUNTER_URI, registerCounterResource } from "./resources/counter";
import { registerIssueResource } from "./resources/issue";
import { errorResult, type ToolContext } from "./tool-context";
import { TOOLS } from "./tools";
import type { Counter } from "./tools/add-to-counter";

export const SERVER_VERSION = "0.1.0";

export interface SessionState {
	counter: number;
}

/** How many GitHub responses a session keeps for conditional requests. */
const CACHE_ENTRIES = 200;

export class GitHubMcpAgent extends McpAgent<Env, SessionState, SessionProps> {
	server = new McpServer(
		{ name: SERVER_NAME, version: SERVER_VERSION },
		{ instructions: "Tools that act on the signed-in user's GitHub account. Start with whoami to see which account that is." },
	);

	override initialState: SessionState = { counter: 0 };

	async init(): Promise<void> {
		// Created once per session; IF NOT EXISTS makes restarts (init runs again) harmless.
		this
			.sql`CREATE TABLE IF NOT EXISTS github_cache (url TEXT PRIMARY KEY, etag TEXT NOT NULL, body TEXT NOT NULL, link TEXT, stored_at INTEGER NOT NULL)`;

		const props = parseSessionProps(this.props);
		const context = this.#toolContext();
		const policy = readAccessPolicy(this.env);
		const granted = new Set(props?.mcpScopes ?? []);
		const restrictedAllowed = props !== null && (await this.#mayUseRestrictedTools(policy, props));

		for (const tool of TOOLS) {
			if (tool.scope !== null && !granted.has(tool.scope)) continue;
			if (tool.restricted && !restrictedAllowed) continue;
			tool.register(tool.restricted && isRestricted(policy) ? this.#gated(policy) : this.server, context);
		}
		registerCounterResource(this.server, context.counter);
		if (granted.has("github:read")) registerIssueResource(this.server, context);
		registerTriageIssuesPrompt(this.server);
	}

	/** Tell clients reading the counter resource that it changed. */
	override onStateUpdate(_state: SessionState | undefined): void {
		this.server.server.sendResourceUpdated({ uri: COUNTER_URI }).catch(() => {
			// No open stream to notify on: the client reads the new value on its next request.
		});
	}

	#toolContext(): ToolContext {
		const counter: Counter = {
			value: () => this.state.counter,
			add: (amount) => {
				const counter = this.state.counter + amount;
				this.setState({ ...this.state, counter });
				return counter;
			},
		};
		return {
			props: () => parseSessionProps(this.props),
			api: () => readApiConfig(this.env),
			github: (props) => createGithubClient(readApiConfig(this.env), props.accessToken, this.#cache),
			canElicit: () => Boolean(this.server.server.getClientCapabilities()?.elicitation),
			elicit: (params, relatedRequestId) => this.elicitInput(params, { relatedRequestId }),
			counter,
		};
	}

	/** GitHub responses by URL, in this session's SQLite, for If-None-Match requests. */
	#cache: ResponseCache = {
		get: (url) => {
			const [row] = this.sql<{
				etag: string;
				body: string;
				link: string | null;
			}>`SELECT etag, body, link FROM github_cache WHERE url = ${url}`;
			return row ?? null;
		},
		set: (url, entry) => {
			this
				.sql`INSERT OR REPLACE INTO github_cache (url, etag, body, link, stored_at) VALUES (${url}, ${entry.etag}, ${entry.body}, ${entry.link}, ${Date.now()})`;
			this.sql`DELETE FROM github_cache WHERE url NOT IN (SELECT url FROM github_cache ORDER BY stored_at DESC LIMIT ${CACHE_ENTRIES})`;
		},
	};

	async #mayUseRestrictedTools(policy: AccessPolicy, props: SessionProps): Promise<boolean> {
		return mayUseRestrictedTools(policy, props.login, async () => {
			const github = createGithubClient(readApiConfig(this.env), props.accessToken, this.#cache);
			const { data } = await github.request("GET /user/orgs", { per_page: 100 });
			return data.map((org) => org.login);
		});
	}

	/**
	 * The server as the restricted tools see it: every call checks the allow-list again, so a
	 * policy change (or a call by name) is enforced even in a session that already lists the tool.
	 */
	#gated(policy: AccessPolicy): McpServer {
		const server = this.server;
		const check = async (): Promise<CallToolResult | null> => {
			const props = parseSessionProps(this.props);
			if (props && (await this.#mayUseRestrictedTools(policy, props))) return null;
			return errorResult("This tool is limited to allowed GitHub accounts, and the signed-in account is not one of them.");
		};
		const registerTool = ((name: string, config: object, callback: (...args: unknown[]) => Promise<CallToolResult> | CallToolResult) =>
			server.registerTool(
				name,
				config,
				async (...args: unknown[]) => (await check()) ?? callback(...args),
			)) as unknown as McpServer["registerTool"];
		return new Proxy(server, {
			get: (target, property, receiver) => (property === "registerTool" ? registerTool : Reflect.get(target, property, receiver)),
		});
	}
}
