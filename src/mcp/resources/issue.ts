/**
 * The `github://repos/{owner}/{repo}/issues/{number}` resource template: an issue with its
 * comments as Markdown, for clients that attach resources to a conversation.
 */
import { describeGithubError } from "../../github/client";
import { isAccountName, isRepositoryName } from "../../github/names";
import { completeOwner, completeRepo } from "../completions";
import { defineResource } from "../define";
import { NOT_SIGNED_IN } from "../results";

export default defineResource({
	kind: "template",
	name: "github-issue",
	uriTemplate: "github://repos/{owner}/{repo}/issues/{number}",
	title: "GitHub issue",
	description:
		"An issue or pull request of a repository, with its comments, as Markdown. Example: github://repos/octocat/hello-world/issues/1",
	mimeType: "text/markdown",
	scope: "github:read",
	complete: { owner: completeOwner, repo: completeRepo },
	read: async (uri, variables, context) => {
		const owner = variables.owner ?? "";
		const repo = variables.repo ?? "";
		const number = Number(variables.number);
		if (!isAccountName(owner) || !isRepositoryName(repo) || !Number.isSafeInteger(number) || number < 1) {
			throw new ResourceError("Use github://repos/{owner}/{repo}/issues/{number} with a GitHub repository and a positive issue number.");
		}
		if (!context.caller) throw new ResourceError(NOT_SIGNED_IN);
		const github = context.github();
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
			return { uri, mimeType: "text/markdown", text: markdown };
		} catch (error) {
			throw new ResourceError(
				describeGithubError(error, `read ${owner}/${repo}#${number}`, { installationUrl: context.installationUrl }).text,
			);
		}
	},
});

/** A resource read that failed for a reason the client should show (the message is safe to show). */
export class ResourceError extends Error {
	override readonly name = "ResourceError";
}
