/** `create_issue`: opens an issue in a repository, as the signed-in user. A write tool. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { createGithubClient, describeGithubError } from "../../github/client";
import { errorResult, NOT_SIGNED_IN, type ToolContext, textResult } from "../tool-context";

const NAME = /^[A-Za-z0-9_.-]+$/;

export function registerCreateIssueTool(server: McpServer, context: ToolContext): void {
	server.registerTool(
		"create_issue",
		{
			title: "Create a GitHub issue",
			description:
				"Opens a new issue in a GitHub repository as the signed-in user and returns its number and URL. This writes to GitHub: use it only when the user asked for an issue to be created, with the title and body they agreed to.",
			inputSchema: {
				owner: z.string().min(1).max(100).regex(NAME).describe("The account that owns the repository, e.g. octocat."),
				repo: z.string().min(1).max(100).regex(NAME).describe("The repository name without the owner, e.g. hello-world."),
				title: z.string().trim().min(1).max(256).describe("The issue title: one line that states the problem or request."),
				body: z.string().max(65_536).optional().describe("The issue description, in GitHub Markdown. Optional."),
			},
			annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
		},
		async ({ owner, repo, title, body }) => {
			const props = context.props();
			if (!props) return NOT_SIGNED_IN;
			const github = createGithubClient(context.api(), props.accessToken);
			try {
				const { data } = await github.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title, ...(body ? { body } : {}) });
				return textResult(`Created issue #${data.number} in ${owner}/${repo}: ${data.html_url}`);
			} catch (error) {
				return errorResult(describeGithubError(error, `create an issue in ${owner}/${repo}`));
			}
		},
	);
}
