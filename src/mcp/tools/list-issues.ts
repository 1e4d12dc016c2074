/** `list_issues`: a repository's issues, filtered and paged. */
import { z } from "zod";
import { REPOSITORY_ARGS } from "../../github/names";
import { defineTool } from "../define";
import { hasNextPage, structuredResult, withGithub } from "../results";
import { formatIssueLine, IssueSummarySchema, summarizeIssue } from "./issue-summary";

export default defineTool({
	name: "list_issues",
	scope: "github:read",
	toolset: "issues",
	title: "List a repository's issues",
	description:
		"Lists issues of a GitHub repository, newest first by default, one page at a time: number, title, state, labels, author, comment count and last update. Pull requests are left out unless include_pull_requests is true. When more pages exist, the result says which page to ask for next. Use get_issue for an issue's body and comments.",
	input: {
		...REPOSITORY_ARGS,
		state: z.enum(["open", "closed", "all"]).default("open").describe("Which issues: open, closed or all. Default: open."),
		labels: z
			.array(z.string().min(1).max(50))
			.max(10)
			.optional()
			.describe('Only issues that carry every one of these labels, e.g. ["bug"].'),
		sort: z
			.enum(["created", "updated", "comments"])
			.default("created")
			.describe("Order by creation time, last update, or number of comments. Default: created."),
		direction: z.enum(["asc", "desc"]).default("desc").describe("desc (newest or most first) or asc. Default: desc."),
		include_pull_requests: z
			.boolean()
			.default(false)
			.describe("GitHub lists pull requests as issues; include them when true. Default: false."),
		per_page: z.number().int().min(1).max(100).default(30).describe("Issues per page, 1 to 100. Default: 30."),
		page: z.number().int().min(1).default(1).describe("Which page, starting at 1. Default: 1."),
	},
	output: {
		repository: z.string(),
		page: z.number(),
		has_next_page: z.boolean(),
		issues: z.array(IssueSummarySchema),
	},
	annotations: { readOnlyHint: true, openWorldHint: true },
	example: { owner: "octocat", repo: "repo-a-0", labels: ["bug"] },
	handler: async ({ owner, repo, state, labels, sort, direction, include_pull_requests, per_page, page }, context) =>
		withGithub(context, `list the issues of ${owner}/${repo}`, async (github) => {
			const response = await github.request("GET /repos/{owner}/{repo}/issues", {
				owner,
				repo,
				state,
				sort,
				direction,
				per_page,
				page,
				...(labels?.length ? { labels: labels.join(",") } : {}),
			});
			const issues = response.data.map(summarizeIssue).filter((issue) => include_pull_requests || !issue.is_pull_request);
			const next = hasNextPage(response.headers.link);
			const repository = `${owner}/${repo}`;
			const header = issues.length
				? `${state === "all" ? "Issues" : `${state[0]?.toUpperCase()}${state.slice(1)} issues`} in ${repository} (page ${page}, ${issues.length} shown):`
				: `No ${state === "all" ? "" : `${state} `}issues in ${repository} on page ${page}${labels?.length ? ` with labels ${labels.join(", ")}` : ""}.`;
			const footer = next ? `\n\nMore issues exist: call list_issues again with page=${page + 1}.` : "";
			return structuredResult(`${header}\n${issues.map((issue) => formatIssueLine(issue)).join("\n")}${footer}`.trim(), {
				repository,
				page,
				has_next_page: next,
				issues,
			});
		}),
});
