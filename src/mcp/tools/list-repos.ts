/** `list_repos`: the signed-in user's repositories, one page at a time, with the user's token. */
import { z } from "zod";
import { defineTool } from "../define";
import { hasNextPage, structuredResult, withGithub } from "../results";

const RepoSummarySchema = z.object({
	full_name: z.string(),
	private: z.boolean(),
	fork: z.boolean(),
	archived: z.boolean(),
	language: z.string().nullable(),
	stars: z.number(),
	description: z.string().nullable(),
	updated_at: z.string().nullable(),
	pushed_at: z.string().nullable(),
	html_url: z.string(),
});
type RepoSummary = z.infer<typeof RepoSummarySchema>;

export default defineTool({
	name: "list_repos",
	scope: "github:read",
	toolset: "repos",
	title: "List my GitHub repositories",
	description:
		"Lists repositories the signed-in GitHub user can access (owned, collaborator, and organisation member repositories), one page at a time. Each line gives owner/name, visibility, language, stars, last update and description. Private repositories appear only with the github:private scope. When more pages exist the result says which page to ask for next.",
	input: {
		sort: z
			.enum(["created", "updated", "pushed", "full_name"])
			.default("updated")
			.describe("Order of the results: by creation time, last update, last push, or owner/name. Default: updated."),
		direction: z
			.enum(["asc", "desc"])
			.optional()
			.describe("asc or desc. Default: asc when sorting by full_name, otherwise desc (newest first)."),
		visibility: z
			.enum(["all", "public", "private"])
			.default("all")
			.describe("Only public, only private, or all repositories. Default: all."),
		per_page: z.number().int().min(1).max(100).default(30).describe("Repositories per page, 1 to 100. Default: 30."),
		page: z.number().int().min(1).default(1).describe("Which page to return, starting at 1. Default: 1."),
	},
	output: {
		page: z.number(),
		has_next_page: z.boolean(),
		repositories: z.array(RepoSummarySchema),
	},
	annotations: { readOnlyHint: true, openWorldHint: true },
	example: { sort: "full_name", per_page: 5 },
	handler: async ({ sort, direction, visibility, per_page, page }, context) =>
		withGithub(context, "list your repositories", async (github) => {
			const response = await github.request("GET /user/repos", { sort, visibility, per_page, page, ...(direction ? { direction } : {}) });
			const repositories: RepoSummary[] = response.data.map((repo) => ({
				full_name: repo.full_name,
				private: repo.private,
				fork: repo.fork,
				archived: repo.archived ?? false,
				language: repo.language ?? null,
				stars: repo.stargazers_count ?? 0,
				description: repo.description ?? null,
				updated_at: repo.updated_at ?? null,
				pushed_at: repo.pushed_at ?? null,
				html_url: repo.html_url,
			}));
			const next = hasNextPage(response.headers.link);
			const structured = { page, has_next_page: next, repositories };
			if (repositories.length === 0) {
				return structuredResult(
					page === 1 ? "No repositories found for this account." : `Page ${page} is past the last page of repositories.`,
					structured,
				);
			}
			const footer = next ? `More repositories exist: call list_repos again with page=${page + 1}.` : "This is the last page.";
			return structuredResult(
				`Repositories (page ${page}, ${repositories.length} shown):\n${repositories.map(formatRepo).join("\n")}\n\n${footer}`,
				structured,
			);
		}),
});

function formatRepo(repo: RepoSummary): string {
	const tags = [repo.private ? "private" : "public", repo.fork ? "fork" : null, repo.archived ? "archived" : null, repo.language]
		.filter(Boolean)
		.join(", ");
	const stars = repo.stars ? ` ★${repo.stars}` : "";
	const dates = [repo.updated_at ? `updated ${repo.updated_at}` : null, repo.pushed_at ? `last push ${repo.pushed_at}` : null].filter(
		Boolean,
	);
	const description = repo.description ? ` — ${repo.description}` : "";
	return `- ${repo.full_name} (${tags})${stars}${dates.length ? `, ${dates.join(", ")}` : ""}${description}`;
}
