/** `create_issue`: opens an issue in a repository as the signed-in user, after the user confirms. */
import { z } from "zod";
import { REPOSITORY_ARGS } from "../../github/names";
import { defineTool } from "../define";
import { errorResult, structuredResult, withGithub } from "../results";
import { WRITE_STATUS } from "./write-status";

const TITLE_MAX = 256;
const BODY_MAX = 65_536;

export default defineTool({
	name: "create_issue",
	scope: "github:write",
	toolset: "issues",
	restricted: true,
	title: "Create a GitHub issue",
	description:
		"Opens a new issue in a GitHub repository as the signed-in user. Before anything is written, the user sees the title and body in a confirmation form and may edit, accept, decline or cancel; only an accepted form creates the issue. Returns the issue number and URL. If GitHub fails mid-request the result says the outcome is unknown: check the repository before trying again.",
	input: {
		...REPOSITORY_ARGS,
		title: z.string().trim().min(1).max(TITLE_MAX).describe("The proposed issue title: one line that states the problem or request."),
		body: z.string().max(BODY_MAX).optional().describe("The proposed issue description, in GitHub Markdown. Optional."),
	},
	output: {
		status: WRITE_STATUS,
		number: z.number().optional().describe("The new issue's number."),
		html_url: z.string().optional().describe("The issue's page on GitHub."),
		title: z.string().optional().describe("The title as created (the user may have edited it)."),
	},
	annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
	example: { owner: "octocat", repo: "<scratch>", title: "Crash when the config file is empty", body: "Steps to reproduce: …" },
	auditTarget: ({ owner, repo }) => `${owner}/${repo}`,
	handler: async ({ owner, repo, title, body }, context) => {
		const confirmation = await context.confirm<{ title: string; body: string }>({
			message: `Create this issue in ${owner}/${repo}? You can edit it first.`,
			fields: {
				title: { title: "Title", value: title, maxLength: TITLE_MAX },
				body: { title: "Description", value: body ?? "", maxLength: BODY_MAX },
			},
		});
		if (!confirmation.confirmed) return confirmation.result;
		const final = confirmation.values;
		if (final.title.trim() === "") return errorResult("Nothing was written: the title was left empty.", "refused");
		return withGithub(
			context,
			`create an issue in ${owner}/${repo}`,
			async (github) => {
				const { data } = await github.request("POST /repos/{owner}/{repo}/issues", {
					owner,
					repo,
					title: final.title.trim(),
					...(final.body ? { body: final.body } : {}),
				});
				return structuredResult(`Created issue #${data.number} in ${owner}/${repo}: ${data.html_url}`, {
					status: "created",
					number: data.number,
					html_url: data.html_url,
					title: data.title,
				});
			},
			{ write: true },
		);
	},
});
