/** `get_issue`: one issue or pull request with its body and comments. */
import { z } from "zod";
import { REPOSITORY_ARGS } from "../../github/names";
import { defineTool } from "../define";
import { structuredResult, withGithub } from "../results";
import { IssueSummarySchema, summarizeIssue } from "./issue-summary";

/** Long bodies are cut: the model rarely needs more, and the user's context window is finite. */
const BODY_LIMIT = 8_000;

const CommentSchema = z.object({ author: z.string().nullable(), created_at: z.string(), body: z.string() });

export default defineTool({
	name: "get_issue",
	scope: "github:read",
	toolset: "issues",
	title: "Get a GitHub issue with its comments",
	description:
		"Returns one issue (or pull request) of a repository: title, state, labels, author, body, and its comments oldest first (up to `comments_limit`). Bodies longer than 8,000 characters are cut, with a note.",
	input: {
		...REPOSITORY_ARGS,
		number: z.number().int().positive().describe("The issue or pull request number."),
		comments_limit: z
			.number()
			.int()
			.min(0)
			.max(100)
			.default(30)
			.describe("How many comments to include, oldest first; 0 for none. Default: 30."),
	},
	output: {
		issue: IssueSummarySchema.extend({ body: z.string().nullable() }),
		comments: z.array(CommentSchema),
		comments_truncated: z.boolean().describe("True when the issue has more comments than were returned."),
	},
	annotations: { readOnlyHint: true, openWorldHint: true },
	example: { owner: "octocat", repo: "repo-a-0", number: 1 },
	handler: async ({ owner, repo, number, comments_limit }, context) =>
		withGithub(context, `read ${owner}/${repo}#${number}`, async (github) => {
			const { data } = await github.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner, repo, issue_number: number });
			const issue = { ...summarizeIssue(data), body: cut(data.body ?? null) };
			const comments =
				comments_limit > 0 && issue.comments > 0
					? (
							await github.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
								owner,
								repo,
								issue_number: number,
								per_page: comments_limit,
							})
						).data.map((comment) => ({
							author: comment.user?.login ?? null,
							created_at: comment.created_at,
							body: cut(comment.body ?? "") ?? "",
						}))
					: [];
			const text = [
				`${issue.is_pull_request ? "Pull request" : "Issue"} ${owner}/${repo}#${issue.number} (${issue.state}): ${issue.title}`,
				`By ${issue.author ?? "unknown"}, created ${issue.created_at}, updated ${issue.updated_at}. Labels: ${issue.labels.join(", ") || "none"}.`,
				issue.html_url,
				"",
				issue.body ?? "(no description)",
				...(comments.length ? ["", `Comments (${comments.length} of ${issue.comments}):`] : []),
				...comments.map((comment) => `\n${comment.author ?? "unknown"} at ${comment.created_at}:\n${comment.body}`),
			].join("\n");
			return structuredResult(text, { issue, comments, comments_truncated: comments.length < issue.comments });
		}),
});

function cut(text: string | null): string | null {
	if (text === null || text.length <= BODY_LIMIT) return text;
	return `${text.slice(0, BODY_LIMIT)}\n\n[… cut: ${text.length - BODY_LIMIT} more characters on GitHub]`;
}
