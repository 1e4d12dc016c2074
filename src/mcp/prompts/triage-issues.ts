/** The `triage_issues` prompt: a ready-made request to triage a repository's open issues with the tools. */

import { completable } from "@modelcontextprotocol/server";
import { z } from "zod";
import { OwnerName, RepoName } from "../../github/names";
import { completeOwner, completeRepo } from "../completions";
import { definePrompt } from "../define";

export default definePrompt({
	name: "triage_issues",
	title: "Triage open issues",
	description:
		"Asks the assistant to review a repository's open issues and propose priorities, labels and next steps, reading them with list_issues and get_issue.",
	args: {
		// Completable (MCP completion/complete) from the caller's own account and repositories. Both
		// SDKs read the same marker (Symbol.for("mcp.completable")), so both lanes offer it.
		owner: completable(OwnerName.describe("The account that owns the repository."), completeOwner),
		repo: completable(RepoName.describe("The repository name without the owner."), completeRepo),
		focus: z.string().max(200).optional().describe('Optional: what to focus on, e.g. "crashes" or "good first issues".'),
	},
	build: ({ owner, repo, focus }) => ({
		messages: [
			{
				role: "user",
				content: {
					type: "text",
					text: [
						`Triage the open issues of ${owner}/${repo}${focus ? `, focusing on ${focus}` : ""}.`,
						"1. Use list_issues (state open, newest first; page through if needed) to see them all.",
						"2. Use get_issue on any whose title is not enough to judge.",
						"3. Group them: bugs, feature requests, questions, and anything unclear or duplicated.",
						"4. For each, propose a priority (P0–P3), labels, and one next step.",
						"Do not comment on or change any issue: this is a proposal for me to review.",
					].join("\n"),
				},
			},
		],
	}),
});
