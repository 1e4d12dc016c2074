/**
 * What the write tools' test files share: each confirmed write tool's call on a scratch
 * repository, where its write lands at the stand-in and how to read back what was written, and a
 * writer of its own (a member of octo-org, the test env's allow-list) for each test.
 */
import { isWriteTool, type ToolDefinition } from "../../src/mcp/define";
import { TOOLS } from "../../src/mcp/registry";
import { githubWrites } from "../support/standin";
import { issueTokens, type Lane, newUser, standIn, userProps } from "./harness";

/** The tools that write to GitHub after the user confirms. */
export const CONFIRMED_TOOLS = TOOLS.filter((tool) => isWriteTool(tool) && tool.annotations.openWorldHint === true);

/** How each confirmed tool is called on a scratch repository, where its write lands, and how to read back what was written. */
export const WRITES: Record<
	string,
	{
		args: (owner: string, repo: string) => Record<string, unknown>;
		/** The write's path at the stand-in. */
		path: (owner: string, repo: string) => string;
		/** What GitHub holds afterwards, by form field. */
		readBack: (token: string, owner: string, repo: string) => Promise<Record<string, string>>;
		/** Needs issue #1 to exist. */
		needsIssue: boolean;
	}
> = {
	create_issue: {
		args: (owner, repo) => ({ owner, repo, title: "Proposed title", body: "Proposed body" }),
		path: (owner, repo) => `/repos/${owner}/${repo}/issues`,
		readBack: async (token, owner, repo) => {
			const issue = (await githubApi(token, `/repos/${owner}/${repo}/issues/1`)) as { title: string; body: string };
			return { title: issue.title, body: issue.body };
		},
		needsIssue: false,
	},
	add_issue_comment: {
		args: (owner, repo) => ({ owner, repo, number: 1, body: "Proposed comment" }),
		path: (owner, repo) => `/repos/${owner}/${repo}/issues/1/comments`,
		readBack: async (token, owner, repo) => {
			const comments = (await githubApi(token, `/repos/${owner}/${repo}/issues/1/comments`)) as { body: string }[];
			return { body: comments.at(-1)?.body ?? "" };
		},
		needsIssue: true,
	},
};

export async function githubApi(token: string, path: string, init: RequestInit = {}): Promise<unknown> {
	const response = await fetch(`${standIn().apiUrl}${path}`, {
		...init,
		headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
	});
	if (!response.ok) throw new Error(`stand-in ${path}: ${response.status}`);
	return response.json();
}

export function writeOf(tool: ToolDefinition) {
	const write = WRITES[tool.name];
	if (!write) throw new Error(`no write case for ${tool.name}: add it to WRITES`);
	return write;
}

/** A member of octo-org (the test env's allow-list) with a scratch repository of its own for `tool`. */
export async function writer(tool: ToolDefinition, lane: Lane, label: string) {
	const user = await newUser({ orgs: ["octo-org"] });
	const props = await userProps(user);
	const repo = `scratch-${label}-${lane}`;
	if (writeOf(tool).needsIssue) {
		await githubApi(props.upstream.accessToken, `/repos/${user.login}/${repo}/issues`, {
			method: "POST",
			body: JSON.stringify({ title: "An issue to comment on" }),
		});
	}
	const tokens = await issueTokens(props);
	return { user, props, repo, tokens, githubToken: props.upstream.accessToken };
}

/** The writes of `tool` that reached the stand-in for this repository. */
export async function writesOf(tool: ToolDefinition, owner: string, repo: string) {
	return (await githubWrites(standIn().baseUrl, `${owner}/${repo}`)).filter((write) => write.path === writeOf(tool).path(owner, repo));
}
