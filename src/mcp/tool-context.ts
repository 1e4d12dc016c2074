/**
 * What a tool may use: the signed-in user's props (narrowed by schema, never `!`), the API
 * configuration, and helpers that shape results. Tools get this instead of the agent itself,
 * so each tool file stays independent of McpAgent.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ApiConfig } from "../config";
import type { SessionProps } from "../props";

export interface ToolContext {
	/** The signed-in user, or null when the session carries no valid props. */
	props(): SessionProps | null;
	/** Where the GitHub REST API lives (GitHub.com or an Enterprise Server). */
	api(): ApiConfig;
}

export function textResult(text: string): CallToolResult {
	return { content: [{ type: "text", text }] };
}

export function errorResult(text: string): CallToolResult {
	return { content: [{ type: "text", text }], isError: true };
}

export const NOT_SIGNED_IN = errorResult("This session has no signed-in GitHub user. Reconnect to this server to sign in again.");
