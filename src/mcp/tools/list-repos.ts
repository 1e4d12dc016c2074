/** `list_repos`: the signed-in user's repositories, one page at a time, with the user's token. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { createGithubClient, describeGithubError } from "../../github/client";
import { errorResult, NOT_SIGNED_IN, type ToolContext, textResult } from "../tool-context";

interface RepoSummary {
	full_name: string;
	private: boolean;
	description?: string | null;
	html_url: string;
	language?: string | null;
	stargazers_count?: number;
	fork?: boolean;
	archived?: boolean;
	updated_at?: string | null;
	pushed_at?: string | null;
}

export function registerListReposTool(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"list_repos",
		{
			title: "List my GitHub repositories",
			description:
				"Lists repositories the signed-in GitHub user can access (owned, collaborator, and organisation member repositories), one page at a time. Each line gives owner/name, visibility, language, stars, last update and description. When more pages exist the result says which page to ask for next.",
			inputSchema: {
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
			annotations: { readOnlyHint: true, openWorldHint: true },
		},
		async ({ sort, direction, visibility, per_page, page }) => {
			const props = context.props();
			if (!props) return NOT_SIGNED_IN;
			const github = createGithubClient(context.api(), props.accessToken);
			try {
				const response = await github.request("GET /user/repos", {
					sort,
					visibility,
					per_page,
					page,
					...(direction ? { direction } : {}),
				});
				const repos = response.data as RepoSummary[];
				const hasNext = /rel="next"/.test(response.headers.link ?? "");
				if (repos.length === 0) {
					return textResult(page === 1 ? "No repositories found for this account." : `Page ${page} is past the last page of repositories.`);
				}
				const lines = repos.map(formatRepo);
				const footer = hasNext ? `More repositories exist: call list_repos again with page=${page + 1}.` : "This is the last page.";
				return textResult(`Repositories (page ${page}, ${repos.length} shown):\n${lines.join("\n")}\n\n${footer}`);
			} catch (error) {
				return errorResult(describeGithubError(error, "list your repositories"));
			}
		},
	);
}

function formatRepo(repo: RepoSummary): string {
	const tags = [repo.private ? "private" : "public", repo.fork ? "fork" : null, repo.archived ? "archived" : null, repo.language ?? null]
		.filter(Boolean)
		.join(", ");
	const stars = repo.stargazers_count ? ` ★${repo.stargazers_count}` : "";
	const dates = [repo.updated_at ? `updated ${repo.updated_at}` : null, repo.pushed_at ? `last push ${repo.pushed_at}` : null].filter(
		Boolean,
	);
	const description = repo.description ? ` — ${repo.description}` : "";
	return `- ${repo.full_name} (${tags})${stars}${dates.length ? `, ${dates.join(", ")}` : ""}${description}`;
}
