/** `add_issue_comment`: comments on an issue or pull request as the signed-in user, after the user confirms. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { confirmWrite } from "../confirm";
import { errorResult, REPOSITORY_ARGS, structuredResult, type ToolContext, withGithub } from "../tool-context";

const BODY_MAX = 65_536;

export function registerAddIssueCommentTool(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"add_issue_comment",
		{
			title: "Comment on a GitHub issue",
			description:
				"Adds a comment to an issue or pull request as the signed-in user. The user first sees the comment in a confirmation form and may edit, accept, decline or cancel; only an accepted form posts it. Returns the comment's URL.",
			inputSchema: {
				...REPOSITORY_ARGS,
				number: z.number().int().positive().describe("The issue or pull request number."),
				body: z.string().trim().min(1).max(BODY_MAX).describe("The proposed comment, in GitHub Markdown."),
			},
			outputSchema: {
				status: z.enum(["created", "declined", "cancelled"]).describe("created, or the user's decision not to."),
				id: z.number().optional().describe("The comment's id."),
				html_url: z.string().optional().describe("The comment's address on GitHub."),
			},
			annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
		},
		async ({ owner, repo, number, body }, extra) => {
			const confirmation = await confirmWrite<{ body: string }>(
				context,
				extra.requestId,
				`Post this comment on ${owner}/${repo}#${number}? You can edit it first.`,
				{
					body: { title: "Comment", value: body, maxLength: BODY_MAX },
				},
			);
			if (!confirmation.confirmed) return confirmation.result;
			const text = confirmation.values.body.trim();
			if (text === "") return errorResult("Nothing was written: the comment was left empty.");
			return withGithub(context, `comment on ${owner}/${repo}#${number}`, async (github) => {
				const { data } = await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
					owner,
					repo,
					issue_number: number,
					body: text,
				});
				return structuredResult(`Commented on ${owner}/${repo}#${number}: ${data.html_url}`, {
					status: "created",
					id: data.id,
					html_url: data.html_url,
				});
			});
		},
	);
}
