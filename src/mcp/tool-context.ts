/**
 * What a tool may use: the signed-in user's props (narrowed by schema, never `!`), a GitHub
 * client for the user, a way to ask the user (elicitation), and helpers that shape results.
 * Tools get this instead of the agent itself, so each tool file stays independent of McpAgent.
 */

import type { CallToolResult, ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import type { Octokit } from "@octokit/core";
import { z } from "zod";
import type { ApiConfig } from "../config";
import { describeGithubError } from "../github/client";
import type { SessionProps } from "../props";
import type { Counter } from "./tools/add-to-counter";

export interface ElicitParams {
	message: string;
	requestedSchema: {
		type: "object";
		properties: Record<
			string,
			{ type: "string" | "boolean" | "number"; title?: string; description?: string; default?: unknown; maxLength?: number }
		>;
		required?: string[];
	};
}

export interface ToolContext {
	/** The signed-in user, or null when the session carries no valid props. */
	props(): SessionProps | null;
	/** Where the GitHub REST API lives (GitHub.com or an Enterprise Server). */
	api(): ApiConfig;
	/** Octokit for this user, with the session's conditional-request cache. */
	github(props: SessionProps): Octokit;
	/** Whether the connected client said it can show elicitation forms. */
	canElicit(): boolean;
	/** Asks the user through the client (MCP elicitation), tied to the tool call in progress. */
	elicit(params: ElicitParams, relatedRequestId: string | number): Promise<ElicitResult>;
	/** This session's counter (a demo of per-session state). */
	counter: Counter;
}

export function textResult(text: string): CallToolResult {
	return { content: [{ type: "text", text }] };
}

/** Readable text for the model and the same data as structuredContent for programs (outputSchema). */
export function structuredResult(text: string, structured: Record<string, unknown>): CallToolResult {
	return { content: [{ type: "text", text }], structuredContent: structured };
}

export function errorResult(text: string): CallToolResult {
	return { content: [{ type: "text", text }], isError: true };
}

export const NOT_SIGNED_IN = errorResult("This session has no signed-in GitHub user. Reconnect to this server to sign in again.");

/**
 * The frame of every GitHub tool: the user from props, their GitHub client, and GitHub's
 * failures (401, 403, 404, rate limits, outages) turned into clear isError results.
 */
export async function withGithub(
	context: ToolContext,
	action: string,
	run: (github: Octokit, props: SessionProps) => Promise<CallToolResult>,
): Promise<CallToolResult> {
	const props = context.props();
	if (!props) return NOT_SIGNED_IN;
	try {
		return await run(context.github(props), props);
	} catch (error) {
		return errorResult(describeGithubError(error, action));
	}
}

/** Whether a Link header offers a next page. */
export function hasNextPage(link: string | undefined | null): boolean {
	return /rel="next"/.test(link ?? "");
}

/** Owner and repository names as GitHub allows them. */
export const GITHUB_NAME = /^[A-Za-z0-9_.-]+$/;

/** The `owner` and `repo` arguments every repository tool takes. */
export const REPOSITORY_ARGS = {
	owner: z.string().min(1).max(100).regex(GITHUB_NAME).describe("The account that owns the repository, e.g. octocat."),
	repo: z.string().min(1).max(100).regex(GITHUB_NAME).describe("The repository name without the owner, e.g. hello-world."),
};
