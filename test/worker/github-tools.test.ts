/**
 * Every tool over both lanes, against the GitHub stand-in: structured outputs that match each
 * tool's outputSchema, pagination, and arguments refused before GitHub is asked. GitHub's failures
 * are in github-faults.test.ts, the issue resource template in issue-resource.test.ts.
 *
 * The stand-in's octocat/repo-a-0 has a dozen seeded issues (#3 and #8 closed, #5 and #10 pull
 * requests; bugs: #1, #5, #6, #11 open). Tests that write use a scratch repository of their own,
 * and tests that inject faults a stand-in user of their own, so this file runs beside the others.
 */
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { isWriteTool, type ToolDefinition } from "../../src/mcp/define";
import { TOOLS } from "../../src/mcp/registry";
import { callOutcome, resultText } from "../support/mcp-wire";
import { githubRequests, githubWrites, mintGithubToken } from "../support/standin";
import { exampleArguments } from "../support/tool-examples";
import { grantProps, OCTOCAT } from "../support/users";
import { acceptAsShown, connect, issueToken, LANES, type Lane, newUser, standIn, type TestClient, userProps } from "./harness";

// Several tests loop over real MCP round trips, which slow down when other test files run alongside.
vi.setConfig({ testTimeout: 30_000 });

/** The tool's outputSchema as the client sees it, strict: a field the schema does not name fails. */
function outputSchemaOf(tool: ToolDefinition) {
	return tool.output ? z.object(tool.output).strict() : undefined;
}

type Result = Awaited<ReturnType<TestClient["callTool"]>>;

/** A list in a result's structuredContent (the test fails clearly when it is missing). */
function listIn<T>(result: Result, key: string): T[] {
	const value = result.structuredContent?.[key];
	if (!Array.isArray(value)) throw new Error(`no list ${key} in ${JSON.stringify(result).slice(0, 300)}`);
	return value as T[];
}

/**
 * What success looks like for the tools this template ships, beyond matching the outputSchema: a
 * check of the result of the tool's example call (its definition's `example`, on the lane's own
 * scratch repository), or of `args` where a case needs other arguments. A tool without an entry is
 * still called with its example and checked against its outputSchema.
 */
const CHECKS: Record<string, { args?: (lane: Lane) => Record<string, unknown>; check: (result: Result, lane: Lane) => void }> = {
	whoami: {
		check: (result) => expect(result.structuredContent).toMatchObject({ id: OCTOCAT.id, login: "octocat" }),
	},
	list_repos: {
		check: (result) => {
			expect(result.structuredContent).toMatchObject({ page: 1, has_next_page: true });
			expect(resultText(result)).toContain("(page 1, 5 shown)");
		},
	},
	get_repo: {
		check: (result) => {
			expect(result.structuredContent).toMatchObject({
				full_name: "octocat/repo-a-0",
				private: false,
				default_branch: "main",
				topics: ["sample"],
			});
			expect(resultText(result)).toContain("octocat/repo-a-0 (public)");
		},
	},
	list_issues: {
		check: (result) => {
			const issues = result.structuredContent?.issues as { number: number; is_pull_request: boolean; state: string }[];
			expect(issues.map((issue) => issue.number).sort((a, b) => a - b)).toEqual([1, 6, 11]);
			expect(issues.every((issue) => issue.state === "open" && !issue.is_pull_request)).toBe(true);
		},
	},
	get_issue: {
		check: (result) => {
			expect(resultText(result)).toContain("Issue octocat/repo-a-0#1 (open): Crash when the config file is empty");
			expect(resultText(result)).toContain("I can reproduce this on main.");
			expect(result.structuredContent).toMatchObject({ issue: { number: 1, author: "hubot", labels: ["bug"] }, comments_truncated: false });
		},
	},
	search_issues: {
		args: () => ({ query: "crash repo:octocat/repo-a-0 is:open is:issue" }),
		check: (result) => {
			expect(result.structuredContent?.total_count).toBe(2);
			const items = result.structuredContent?.items as { number: number; repository: string }[];
			expect(items.map((item) => `${item.repository}#${item.number}`).sort()).toEqual(["octocat/repo-a-0#1", "octocat/repo-a-0#11"]);
		},
	},
	get_file: {
		check: (result) => {
			expect(result.structuredContent).toMatchObject({ type: "file", path: "README.md", entries: [] });
			expect(resultText(result)).toContain("A sample repository served by the GitHub development stand-in.");
		},
	},
	create_issue: {
		args: (lane) => ({ owner: "octocat", repo: `scratch-outputs-${lane}`, title: "From the outputs test", body: "Body" }),
		check: (result, lane) =>
			expect(result.structuredContent).toMatchObject({
				status: "created",
				title: "From the outputs test",
				html_url: expect.stringContaining(`/octocat/scratch-outputs-${lane}/issues/`),
			}),
	},
	add_issue_comment: {
		// Issue #1 of the scratch repository: create_issue comes first in the registry.
		args: (lane) => ({ owner: "octocat", repo: `scratch-outputs-${lane}`, number: 1, body: "A confirmed comment" }),
		check: (result, lane) =>
			expect(result.structuredContent).toMatchObject({
				status: "created",
				html_url: expect.stringContaining(`/octocat/scratch-outputs-${lane}/issues/1#issuecomment-`),
			}),
	},
	add: {
		args: () => ({ a: 2, b: 40.5 }),
		check: (result) => expect(resultText(result)).toBe("42.5"),
	},
	add_to_counter: {
		args: () => ({ amount: 3 }),
		check: (result) => expect(result.structuredContent?.counter).toBeTypeOf("number"),
	},
};

describe("the checks", () => {
	it("are for defined tools", () => {
		const names = TOOLS.map((tool) => tool.name);
		expect(Object.keys(CHECKS).filter((name) => !names.includes(name))).toEqual([]);
	});
});

describe.each(LANES)("outputs (%s lane)", (lane) => {
	it("every tool, in registry order, returns what its outputSchema describes", async () => {
		const client = await connect(lane, await issueToken(await userProps()), { elicit: acceptAsShown });
		for (const tool of TOOLS) {
			const checks = CHECKS[tool.name];
			const args = checks?.args?.(lane) ?? exampleArguments(tool, `scratch-outputs-${lane}`);
			const result = await client.callTool({ name: tool.name, arguments: args });
			expect(result.isError, `${tool.name}: ${resultText(result)}`).toBeFalsy();
			const schema = outputSchemaOf(tool);
			if (schema) expect(schema.safeParse(result.structuredContent).error, tool.name).toBeUndefined();
			else expect(result.structuredContent, tool.name).toBeUndefined();
			checks?.check(result, lane);
		}
		await client.close();
		// One write for each tool that writes to GitHub.
		expect(await githubWrites(standIn().baseUrl, `octocat/scratch-outputs-${lane}`)).toHaveLength(
			TOOLS.filter((tool) => isWriteTool(tool) && tool.annotations.openWorldHint === true).length,
		);
	});
});

describe.each(LANES)("reads and pagination (%s lane)", (lane) => {
	async function octocat() {
		return connect(lane, await issueToken(await userProps()));
	}

	it("list_repos: newest update first by default, pages to the end, and says which page comes next", async () => {
		const client = await octocat();
		const first = await client.callTool({ name: "list_repos", arguments: {} });
		const repositories = first.structuredContent?.repositories as { updated_at: string }[];
		expect(repositories).toHaveLength(30);
		const dates = repositories.map((repo) => repo.updated_at);
		expect([...dates].sort().reverse()).toEqual(dates);
		expect(first.structuredContent).toMatchObject({ page: 1, has_next_page: true });
		expect(resultText(first)).toContain("call list_repos again with page=2");

		const byName = await client.callTool({ name: "list_repos", arguments: { sort: "full_name", per_page: 20 } });
		const names = listIn<{ full_name: string }>(byName, "repositories").map((repo) => repo.full_name);
		expect(names).toHaveLength(20);
		expect([...names].sort()).toEqual(names);
		const last = await client.callTool({ name: "list_repos", arguments: { sort: "full_name", per_page: 20, page: 2 } });
		const rest = listIn<{ full_name: string }>(last, "repositories").map((repo) => repo.full_name);
		expect(rest).toHaveLength(15);
		expect(rest.filter((name) => names.includes(name))).toEqual([]);
		expect(last.structuredContent).toMatchObject({ page: 2, has_next_page: false });
		expect(resultText(last)).toContain("This is the last page.");
		const past = await client.callTool({ name: "list_repos", arguments: { page: 50 } });
		expect(past.structuredContent).toEqual({ page: 50, has_next_page: false, repositories: [] });
		expect(resultText(past)).toContain("past the last page");
		await client.close();
	});

	it("list_repos: only private repositories when asked, and an empty list for a user without any", async () => {
		const client = await octocat();
		const privates = await client.callTool({ name: "list_repos", arguments: { visibility: "private", per_page: 100 } });
		const listed = privates.structuredContent?.repositories as { private: boolean }[];
		expect(listed.length).toBeGreaterThan(0);
		expect(listed.every((repo) => repo.private)).toBe(true);
		await client.close();

		const nobody = await connect(lane, await issueToken(await userProps(await newUser())));
		const none = await nobody.callTool({ name: "list_repos", arguments: {} });
		await nobody.close();
		expect(none.isError).toBeFalsy();
		expect(resultText(none)).toBe("No repositories found for this account.");
	});

	it("list_issues: filters, includes pull requests when asked, pages, and says when nothing matches", async () => {
		const client = await octocat();
		const closed = await client.callTool({ name: "list_issues", arguments: { owner: "octocat", repo: "repo-a-0", state: "closed" } });
		expect(
			listIn<{ number: number }>(closed, "issues")
				.map((issue) => issue.number)
				.sort(),
		).toEqual([3, 8]);

		const page = {
			owner: "octocat",
			repo: "repo-a-0",
			labels: ["bug"],
			per_page: 2,
			sort: "created",
			direction: "asc",
			include_pull_requests: true,
		};
		const first = await client.callTool({ name: "list_issues", arguments: page });
		expect(listIn<{ number: number }>(first, "issues").map((issue) => issue.number)).toEqual([1, 5]);
		expect(first.structuredContent).toMatchObject({ repository: "octocat/repo-a-0", page: 1, has_next_page: true });
		expect(resultText(first)).toContain("call list_issues again with page=2");
		const second = await client.callTool({ name: "list_issues", arguments: { ...page, page: 2 } });
		expect(listIn<{ number: number }>(second, "issues").map((issue) => issue.number)).toEqual([6, 11]);
		expect(second.structuredContent?.has_next_page).toBe(false);

		const none = await client.callTool({ name: "list_issues", arguments: { owner: "octocat", repo: "repo-a-0", labels: ["wontfix"] } });
		expect(none.isError).toBeFalsy();
		expect(resultText(none)).toContain("No open issues in octocat/repo-a-0");
		expect(none.structuredContent?.issues).toEqual([]);
		await client.close();
	});

	it("get_issue: comments up to comments_limit, and an issue without a body or comments", async () => {
		const client = await octocat();
		const limited = await client.callTool({
			name: "get_issue",
			arguments: { owner: "octocat", repo: "repo-a-0", number: 1, comments_limit: 1 },
		});
		expect(limited.structuredContent?.comments).toHaveLength(1);
		expect(limited.structuredContent?.comments_truncated).toBe(true);
		expect(resultText(limited)).toContain("Comments (1 of 2)");
		const bare = await client.callTool({ name: "get_issue", arguments: { owner: "octocat", repo: "repo-a-0", number: 4 } });
		expect(resultText(bare)).toContain("(no description)");
		expect(bare.structuredContent).toMatchObject({ issue: { body: null }, comments: [], comments_truncated: false });
		await client.close();
	});

	it("search_issues: pages through the matches, and says when nothing matches", async () => {
		const client = await octocat();
		const query = "repo:octocat/repo-a-0 is:issue";
		const first = await client.callTool({ name: "search_issues", arguments: { query, per_page: 4 } });
		const total = Number(first.structuredContent?.total_count);
		expect(total).toBeGreaterThan(4);
		expect(first.structuredContent).toMatchObject({ page: 1, has_next_page: true });
		expect(resultText(first)).toContain("call search_issues again with page=2");
		const second = await client.callTool({ name: "search_issues", arguments: { query, per_page: 4, page: 2 } });
		const numbers = (result: Result) => listIn<{ number: number }>(result, "items").map((item) => item.number);
		expect(numbers(second).filter((number) => numbers(first).includes(number))).toEqual([]);
		const none = await client.callTool({ name: "search_issues", arguments: { query: "zebra repo:octocat/repo-a-0" } });
		expect(none.isError).toBeFalsy();
		expect(resultText(none)).toContain("No issues or pull requests match");
		await client.close();
	});

	it("get_file: a tag, a directory, and clear refusals for a large file, a binary file, an unknown ref or path", async () => {
		const client = await octocat();
		const repo = { owner: "octocat", repo: "repo-a-0" };
		const tagged = await client.callTool({ name: "get_file", arguments: { ...repo, path: "README.md", ref: "v1.0.0" } });
		expect(resultText(tagged)).toContain("The v1.0.0 README.");
		const dir = await client.callTool({ name: "get_file", arguments: { ...repo, path: "src" } });
		expect(dir.structuredContent).toMatchObject({ type: "dir", text: null });
		expect(
			listIn<{ path: string }>(dir, "entries")
				.map((entry) => entry.path)
				.sort(),
		).toEqual(["src/index.ts", "src/util"]);
		const large = await callOutcome(client, "get_file", { ...repo, path: "docs/large.txt" });
		expect(large).toMatchObject({ isError: true, text: expect.stringMatching(/over this tool's limit of 100\.0 KiB/) });
		const binary = await callOutcome(client, "get_file", { ...repo, path: "assets/logo.png" });
		expect(binary).toMatchObject({ isError: true, text: expect.stringContaining("binary file") });
		const ref = await callOutcome(client, "get_file", { ...repo, path: "README.md", ref: "no-such-branch" });
		expect(ref).toMatchObject({ isError: true, text: expect.stringContaining('GitHub answered "not found"') });
		const missing = await callOutcome(client, "get_file", { ...repo, path: "nope.txt" });
		expect(missing).toMatchObject({ isError: true, text: expect.stringContaining('GitHub answered "not found"') });
		await client.close();
	});

	it("get_repo: a private repository reads as not found without GitHub's repo scope", async () => {
		const githubToken = await mintGithubToken(standIn().baseUrl, "octocat", { scopes: ["read:user", "user:email"] });
		const client = await connect(
			lane,
			await issueToken(grantProps(OCTOCAT, { accessToken: githubToken, scopes: ["read:user", "user:email"] }), ["github:read"]),
		);
		const outcome = await callOutcome(client, "get_repo", { owner: "octocat", repo: "repo-d-21" });
		await client.close();
		expect(outcome).toMatchObject({ isError: true, text: expect.stringContaining('GitHub answered "not found"') });
	});

	it.each([
		["list_repos", { per_page: 0 }],
		["list_repos", { per_page: 101 }],
		["list_repos", { page: 0 }],
		["list_repos", { sort: "stars" }],
		["list_issues", { owner: "octocat", repo: "repo-a-0", state: "stale" }],
		["get_issue", { owner: "octocat", repo: "repo-a-0", number: -1 }],
		["get_issue", { owner: "octocat", repo: "repo-a-0", number: 1, comments_limit: 101 }],
		["search_issues", { query: "   " }],
		["search_issues", { query: "crash", page: 11 }],
		["create_issue", { owner: "octocat", repo: "scratch-invalid" }],
		["add_issue_comment", { owner: "octocat", repo: "scratch-invalid", number: 1, body: "" }],
		["add_to_counter", { amount: 1.5 }],
	])("%s refuses %j with a clear error, before anything reaches GitHub", async (name, args) => {
		const githubToken = await mintGithubToken(standIn().baseUrl, "octocat");
		const client = await connect(lane, await issueToken(grantProps(OCTOCAT, { accessToken: githubToken, scopes: ["repo"] })), {
			elicit: acceptAsShown,
		});
		await client.listTools();
		const before = await githubRequests(standIn().baseUrl, githubToken);
		const outcome = await callOutcome(client, name, args);
		await client.close();
		expect(outcome.isError).toBe(true);
		expect(outcome.text).toMatch(/invalid|validation|too (small|big)|expected/i);
		expect(await githubRequests(standIn().baseUrl, githubToken)).toEqual(before);
	});
});
