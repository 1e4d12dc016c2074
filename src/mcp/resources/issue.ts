/**
 * The `github://repos/{owner}/{repo}/issues/{number}` resource template: an issue with its
 * comments as Markdown, for clients that attach resources to a conversation.
 */
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describeGithubError } from "../../github/client";
import { GITHUB_NAME, type ToolContext } from "../tool-context";

export function registerIssueResource(server: McpServer, context: ToolContext): void {
	server.registerResource(
		"github-issue",
		new ResourceTemplate("github://repos/{owner}/{repo}/issues/{number}", { list: undefined }),
		{
			title: "GitHub issue",
			description:
				"An issue or pull request of a repository, with its comments, as Markdown. Example: github://repos/octocat/hello-world/issues/1",
			mimeType: "text/markdown",
		},
		async (uri, variables) => {
			const owner = String(variables.owner ?? "");
			const repo = String(variables.repo ?? "");
			const number = Number(variables.number);
			if (!GITHUB_NAME.test(owner) || !GITHUB_NAME.test(repo) || !Number.isInteger(number) || number < 1) {
				throw new Error("Use github://repos/{owner}/{repo}/issues/{number} with a repository and a positive issue number.");
			}
			const props = context.props();
			if (!props) throw new Error("This session has no signed-in GitHub user. Reconnect to sign in again.");
			const github = context.github(props);
			try {
				const { data: issue } = await github.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
					owner,
					repo,
					issue_number: number,
				});
				const comments = issue.comments
					? (
							await github.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
								owner,
								repo,
								issue_number: number,
								per_page: 50,
							})
						).data
					: [];
				const markdown = [
					`# ${issue.title} (${owner}/${repo}#${issue.number}, ${issue.state})`,
					"",
					`Opened by @${issue.user?.login ?? "unknown"} on ${issue.created_at}. ${issue.html_url}`,
					"",
					issue.body ?? "_No description._",
					...comments.flatMap((comment) => [
						"",
						"---",
						"",
						`**@${comment.user?.login ?? "unknown"}** on ${comment.created_at}:`,
						"",
						comment.body ?? "",
					]),
				].join("\n");
				return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: markdown }] };
			} catch (error) {
				throw new Error(describeGithubError(error, `read ${owner}/${repo}#${number}`));
			}
		},
	);
}
