/** `search_issues`: GitHub's issue and pull request search. */
import { z } from "zod";
import { defineTool } from "../define";
import { hasNextPage, structuredResult, withGithub } from "../results";
import { formatIssueLine, IssueSummarySchema, summarizeIssue } from "./issue-summary";

export default defineTool({
	name: "search_issues",
	scope: "github:read",
	toolset: "issues",
	title: "Search GitHub issues and pull requests",
	description:
		'Searches issues and pull requests across the repositories the user can see, with GitHub\'s search syntax: words plus qualifiers such as repo:owner/name, is:open, is:closed, is:issue, is:pr, label:bug, author:login. Example: "crash repo:octocat/hello-world is:open label:bug". Returns the total count and one page of matches.',
	input: {
		query: z.string().trim().min(1).max(256).describe("GitHub search query: words and qualifiers (repo:, is:, label:, author:)."),
		per_page: z.number().int().min(1).max(100).default(20).describe("Results per page, 1 to 100. Default: 20."),
		page: z.number().int().min(1).max(10).default(1).describe("Which page, 1 to 10 (GitHub returns at most 1,000 results). Default: 1."),
	},
	output: {
		total_count: z.number(),
		page: z.number(),
		has_next_page: z.boolean(),
		items: z.array(IssueSummarySchema.extend({ repository: z.string() })),
	},
	annotations: { readOnlyHint: true, openWorldHint: true },
	example: { query: "crash repo:octocat/repo-a-0 is:open" },
	handler: async ({ query, per_page, page }, context) =>
		withGithub(context, "search issues", async (github) => {
			const response = await github.request("GET /search/issues", { q: query, per_page, page });
			const items = response.data.items.map((item) => ({ ...summarizeIssue(item), repository: repositoryOf(item.html_url) }));
			const next = hasNextPage(response.headers.link);
			const header = items.length
				? `${response.data.total_count} results for "${query}" (page ${page}, ${items.length} shown):`
				: `No issues or pull requests match "${query}".`;
			const footer = next ? `\n\nMore results exist: call search_issues again with page=${page + 1}.` : "";
			return structuredResult(`${header}\n${items.map((item) => formatIssueLine(item, item.repository)).join("\n")}${footer}`.trim(), {
				total_count: response.data.total_count,
				page,
				has_next_page: next,
				items,
			});
		}),
});

/** owner/name from an issue's html_url (…/owner/name/issues/1 or …/pull/1). */
function repositoryOf(htmlUrl: string): string {
	const match = /\/([^/]+)\/([^/]+)\/(?:issues|pull)\/\d+$/.exec(new URL(htmlUrl).pathname);
	return match ? `${match[1]}/${match[2]}` : "";
}
