/** The shapes of tool results, and the frame every GitHub tool runs in. */
import type { Octokit } from "@octokit/core";
import { describeGithubError } from "../github/client";
import type { ToolContext, ToolResult } from "./define";

export function textResult(text: string): ToolResult {
	return { content: [{ type: "text", text }] };
}

/** Readable text for the model and the same data as structuredContent for programs (outputSchema). */
export function structuredResult(text: string, structured: Record<string, unknown>): ToolResult {
	return { content: [{ type: "text", text }], structuredContent: structured };
}

/** What a write tool reports when it did not write. `unknown`: GitHub may or may not have done it. */
export type WriteFailure = "refused" | "failed" | "unknown";

/** An error result. Write tools pass `status`, so programs (and the audit trail) can tell why. */
export function errorResult(text: string, status?: WriteFailure): ToolResult {
	return { content: [{ type: "text", text }], isError: true, ...(status ? { structuredContent: { status } } : {}) };
}

export const NOT_SIGNED_IN = "This session has no signed-in user. Reconnect to this server to sign in again.";

/**
 * The frame of every GitHub tool: the caller's GitHub client, and GitHub's failures (401, 403,
 * 404, rate limits, timeouts, outages) turned into clear isError results. `write` makes a failure
 * whose outcome is unknown say so, and never retries.
 */
export async function withGithub(
	context: ToolContext,
	action: string,
	run: (github: Octokit) => Promise<ToolResult>,
	options: { write?: boolean } = {},
): Promise<ToolResult> {
	if (!context.caller) return errorResult(NOT_SIGNED_IN, options.write ? "refused" : undefined);
	try {
		return await run(context.github());
	} catch (error) {
		const described = describeGithubError(error, action, { write: options.write === true, installationUrl: context.installationUrl });
		return errorResult(described.text, options.write ? described.status : undefined);
	}
}

/** Whether a Link header offers a next page. */
export function hasNextPage(link: string | undefined | null): boolean {
	return /rel="next"/.test(link ?? "");
}
