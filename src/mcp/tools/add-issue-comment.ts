/** `add_issue_comment`: comments on an issue or pull request as the signed-in user, after the user confirms. */
import { z } from "zod";
import { REPOSITORY_ARGS } from "../../github/names";
import { defineTool } from "../define";
import { errorResult, structuredResult, withGithub } from "../results";
import { WRITE_STATUS } from "./write-status";

const BODY_MAX = 65_536;

export default defineTool({
	name: "add_issue_comment",
	scope: "github:write",
	toolset: "issues",
	restricted: true,
	title: "Comment on a GitHub issue",
	description:
		"Adds a comment to an issue or pull request as the signed-in user. The user first sees the comment in a confirmation form and may edit, accept, decline or cancel; only an accepted form posts it. Returns the comment's URL. If GitHub fails mid-request the result says the outcome is unknown: check the issue before trying again.",
	input: {
		...REPOSITORY_ARGS,
		number: z.number().int().positive().describe("The issue or pull request number."),
		body: z.string().trim().min(1).max(BODY_MAX).describe("The proposed comment, in GitHub Markdown."),
	},
	output: {
		status: WRITE_STATUS,
		id: z.number().optional().describe("The comment's id."),
		html_url: z.string().optional().describe("The comment's address on GitHub."),
	},
	annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
	example: { owner: "octocat", repo: "<scratch>", number: 1, body: "Thanks, I can reproduce this." },
	auditTarget: ({ owner, repo, number }) => `${owner}/${repo}#${number}`,
	handler: async ({ owner, repo, number, body }, context) => {
		const confirmation = await context.confirm<{ body: string }>({
			message: `Post this comment on ${owner}/${repo}#${number}? You can edit it first.`,
			fields: { body: { title: "Comment", value: body, maxLength: BODY_MAX } },
		});
		if (!confirmation.confirmed) return confirmation.result;
		const text = confirmation.values.body.trim();
		if (text === "") return errorResult("Nothing was written: the comment was left empty.", "refused");
		return withGithub(
			context,
			`comment on ${owner}/${repo}#${number}`,
			async (github) => {
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
			},
			{ write: true },
		);
	},
});
