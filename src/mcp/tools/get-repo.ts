/** `get_repo`: one repository's facts, trimmed to what a model needs. */
import { z } from "zod";
import { REPOSITORY_ARGS } from "../../github/names";
import { defineTool } from "../define";
import { structuredResult, withGithub } from "../results";

export default defineTool({
	name: "get_repo",
	scope: "github:read",
	toolset: "repos",
	title: "Get a GitHub repository",
	description:
		"Returns a repository's description, visibility, default branch, language, topics, star/fork/open-issue counts, whether it is archived or a fork, and when it was last pushed. Private repositories need the github:private scope; a repository the user cannot see reads as not found.",
	input: {
		...REPOSITORY_ARGS,
	},
	output: {
		full_name: z.string(),
		description: z.string().nullable(),
		private: z.boolean(),
		archived: z.boolean(),
		fork: z.boolean(),
		default_branch: z.string(),
		language: z.string().nullable(),
		topics: z.array(z.string()),
		stars: z.number(),
		forks: z.number(),
		open_issues: z.number().describe("Open issues and pull requests together, as GitHub counts them."),
		pushed_at: z.string().nullable(),
		html_url: z.string(),
	},
	annotations: { readOnlyHint: true, openWorldHint: true },
	example: { owner: "octocat", repo: "repo-a-0" },
	handler: async ({ owner, repo }, context) =>
		withGithub(context, `read ${owner}/${repo}`, async (github) => {
			const { data } = await github.request("GET /repos/{owner}/{repo}", { owner, repo });
			const summary = {
				full_name: data.full_name,
				description: data.description ?? null,
				private: data.private,
				archived: data.archived ?? false,
				fork: data.fork,
				default_branch: data.default_branch,
				language: data.language ?? null,
				topics: data.topics ?? [],
				stars: data.stargazers_count,
				forks: data.forks_count,
				open_issues: data.open_issues_count,
				pushed_at: data.pushed_at ?? null,
				html_url: data.html_url,
			};
			const lines = [
				`${summary.full_name} (${summary.private ? "private" : "public"}${summary.archived ? ", archived" : ""}${summary.fork ? ", fork" : ""})`,
				summary.description ?? "(no description)",
				`Default branch: ${summary.default_branch}. Language: ${summary.language ?? "unknown"}. Topics: ${summary.topics.join(", ") || "none"}.`,
				`★${summary.stars}, ${summary.forks} forks, ${summary.open_issues} open issues and pull requests. Last push: ${summary.pushed_at ?? "never"}.`,
				summary.html_url,
			];
			return structuredResult(lines.join("\n"), summary);
		}),
});
