/**
 * The GitHub tools through a real MCP client against the GitHub stand-in: success, empty
 * results, GitHub errors and bad arguments, for each. The stand-in's octocat/repo-a-0 has a
 * dozen seeded issues (#3 and #8 closed, #5 and #10 pull requests; bugs: #1, #6, #11 open).
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueTokenForProps, mintGithubToken, octocatProps } from "./helpers";
import { acceptAsShown, connectMcp, resultText } from "./mcp-client";

let client: Client;
let rateLimited: Client;

beforeAll(async () => {
	client = await connectMcp(await issueTokenForProps(await octocatProps()), { elicit: acceptAsShown });
	rateLimited = await connectMcp(await issueTokenForProps(await octocatProps("rate_limited")));
});
afterAll(async () => {
	await client.close();
	await rateLimited.close();
});

async function call(name: string, args: Record<string, unknown>, on = client) {
	const result = (await on.callTool({ name, arguments: args })) as CallToolResult;
	return { result, text: resultText(result), data: result.structuredContent as Record<string, unknown> | undefined };
}

/** A call with bad arguments fails clearly: an isError result or a JSON-RPC error, never a GitHub request. */
async function expectInvalid(name: string, args: Record<string, unknown>) {
	const outcome = await client.callTool({ name, arguments: args }).then(
		(result) => ({ isError: Boolean(result.isError), text: resultText(result) }),
		(error: Error) => ({ isError: true, text: error.message }),
	);
	expect(outcome.isError).toBe(true);
	expect(outcome.text).toMatch(/invalid|validation/i);
}

const REPO = { owner: "octocat", repo: "repo-a-0" };

describe("get_repo", () => {
	it("returns the repository's facts as text and structured content", async () => {
		const { result, text, data } = await call("get_repo", REPO);
		expect(result.isError).toBeFalsy();
		expect(text).toContain("octocat/repo-a-0 (public)");
		expect(data).toMatchObject({ full_name: "octocat/repo-a-0", private: false, default_branch: "main", topics: ["sample"] });
	});

	it("reads a private repository as not found without github:private", async () => {
		const githubToken = await mintGithubToken("octocat", { scopes: ["read:user", "user:email"] });
		const readOnly = await connectMcp(
			await issueTokenForProps({ ...(await octocatProps()), scopes: ["read:user", "user:email"], accessToken: githubToken }, [
				"github:read",
			]),
		);
		const { result, text } = await call("get_repo", { owner: "octocat", repo: "repo-d-21" }, readOnly);
		await readOnly.close();
		expect(result.isError).toBe(true);
		expect(text).toContain('GitHub answered "not found"');
	});

	it("reports GitHub's rate limit with its reset time", async () => {
		const { result, text } = await call("get_repo", REPO, rateLimited);
		expect(result.isError).toBe(true);
		expect(text).toMatch(/rate limit .* resets at \d{4}-/);
	});

	it("refuses a malformed repository name", async () => {
		await expectInvalid("get_repo", { owner: "octocat", repo: "../etc" });
	});
});

describe("list_issues", () => {
	it("lists open issues, leaving pull requests out", async () => {
		const { data } = await call("list_issues", { ...REPO, labels: ["bug"] });
		const issues = data?.issues as { number: number; is_pull_request: boolean; state: string }[];
		expect(issues.map((issue) => issue.number).sort((a, b) => a - b)).toEqual([1, 6, 11]);
		expect(issues.every((issue) => issue.state === "open" && !issue.is_pull_request)).toBe(true);
	});

	it("filters closed issues and includes pull requests when asked", async () => {
		const closed = await call("list_issues", { ...REPO, state: "closed" });
		expect(((closed.data?.issues ?? []) as { number: number }[]).map((issue) => issue.number).sort()).toEqual([3, 8]);
		const withPulls = await call("list_issues", { ...REPO, labels: ["bug"], state: "all", include_pull_requests: true });
		expect(((withPulls.data?.issues ?? []) as { number: number }[]).map((issue) => issue.number)).toContain(5);
	});

	it("pages, and says which page comes next", async () => {
		const page = { ...REPO, labels: ["bug"], per_page: 2, sort: "created", direction: "asc", include_pull_requests: true };
		const first = await call("list_issues", page);
		expect(((first.data?.issues ?? []) as { number: number }[]).map((issue) => issue.number)).toEqual([1, 5]);
		expect(first.data).toMatchObject({ page: 1, has_next_page: true });
		expect(first.text).toContain("call list_issues again with page=2");
		const second = await call("list_issues", { ...page, page: 2 });
		expect(((second.data?.issues ?? []) as { number: number }[]).map((issue) => issue.number)).toEqual([6, 11]);
		expect(second.data?.has_next_page).toBe(false);
	});

	it("says so when nothing matches", async () => {
		const { result, text, data } = await call("list_issues", { ...REPO, labels: ["wontfix"] });
		expect(result.isError).toBeFalsy();
		expect(text).toContain("No open issues in octocat/repo-a-0");
		expect(data?.issues).toEqual([]);
	});

	it("reports a repository that does not exist", async () => {
		const { result, text } = await call("list_issues", { owner: "octocat", repo: "no-such-repo" });
		expect(result.isError).toBe(true);
		expect(text).toContain("not found");
	});

	it("refuses a bad state", async () => {
		await expectInvalid("list_issues", { ...REPO, state: "stale" });
	});
});

describe("get_issue", () => {
	it("returns the issue with its comments", async () => {
		const { text, data } = await call("get_issue", { ...REPO, number: 1 });
		expect(text).toContain("Issue octocat/repo-a-0#1 (open): Crash when the config file is empty");
		expect(text).toContain("I can reproduce this on main.");
		expect(data).toMatchObject({ issue: { number: 1, author: "hubot", labels: ["bug"] }, comments_truncated: false });
		expect(data?.comments).toHaveLength(2);
	});

	it("handles an issue without a body or comments", async () => {
		const { text, data } = await call("get_issue", { ...REPO, number: 4 });
		expect(text).toContain("(no description)");
		expect(data?.comments).toEqual([]);
	});

	it("reports an issue that does not exist", async () => {
		const { result, text } = await call("get_issue", { ...REPO, number: 999 });
		expect(result.isError).toBe(true);
		expect(text).toContain("not found");
	});

	it("refuses a number that is not a positive integer", async () => {
		await expectInvalid("get_issue", { ...REPO, number: -1 });
	});
});

describe("search_issues", () => {
	it("finds issues with words and qualifiers", async () => {
		const { data, text } = await call("search_issues", { query: "crash repo:octocat/repo-a-0 is:open is:issue" });
		expect(data?.total_count).toBe(2);
		expect(
			((data?.items ?? []) as { number: number; repository: string }[]).map((item) => `${item.repository}#${item.number}`).sort(),
		).toEqual(["octocat/repo-a-0#1", "octocat/repo-a-0#11"]);
		expect(text).toContain("2 results");
	});

	it("says so when nothing matches", async () => {
		const { result, text } = await call("search_issues", { query: "zebra repo:octocat/repo-a-0" });
		expect(result.isError).toBeFalsy();
		expect(text).toContain("No issues or pull requests match");
	});

	it("reports GitHub's rate limit", async () => {
		const { result, text } = await call("search_issues", { query: "crash" }, rateLimited);
		expect(result.isError).toBe(true);
		expect(text).toContain("rate limit");
	});

	it("refuses an empty query", async () => {
		await expectInvalid("search_issues", { query: "   " });
	});
});

describe("get_file", () => {
	it("returns a text file at the default branch and at a tag", async () => {
		const main = await call("get_file", { ...REPO, path: "README.md" });
		expect(main.text).toContain("A sample repository served by the GitHub development stand-in.");
		expect(main.data).toMatchObject({ type: "file", path: "README.md" });
		const tagged = await call("get_file", { ...REPO, path: "README.md", ref: "v1.0.0" });
		expect(tagged.text).toContain("The v1.0.0 README.");
	});

	it("lists a directory", async () => {
		const { data, text } = await call("get_file", { ...REPO, path: "src" });
		expect(data?.type).toBe("dir");
		expect(text).toContain("src/index.ts");
		expect(text).toContain("src/util/");
	});

	it("refuses a file over the size cap, and a binary file, with clear messages", async () => {
		const large = await call("get_file", { ...REPO, path: "docs/large.txt" });
		expect(large.result.isError).toBe(true);
		expect(large.text).toMatch(/over this tool's limit of 100\.0 KiB/);
		const binary = await call("get_file", { ...REPO, path: "assets/logo.png" });
		expect(binary.result.isError).toBe(true);
		expect(binary.text).toContain("binary file");
	});

	it("reports an unknown ref or path", async () => {
		expect((await call("get_file", { ...REPO, path: "README.md", ref: "no-such-branch" })).result.isError).toBe(true);
		expect((await call("get_file", { ...REPO, path: "nope.txt" })).text).toContain("not found");
	});

	it("refuses a path that climbs out with ..", async () => {
		await expectInvalid("get_file", { ...REPO, path: "../secrets" });
	});
});

describe("add_issue_comment", () => {
	it("posts the confirmed comment, which get_issue then shows", async () => {
		const { result, data } = await call("add_issue_comment", { ...REPO, number: 12, body: "Thanks, the PORT variable works." });
		expect(result.isError).toBeFalsy();
		expect(String(data?.html_url)).toContain("/octocat/repo-a-0/issues/12#issuecomment-");
		const issue = await call("get_issue", { ...REPO, number: 12 });
		expect(issue.text).toContain("Thanks, the PORT variable works.");
	});

	it("reports an issue that does not exist", async () => {
		const { result, text } = await call("add_issue_comment", { ...REPO, number: 999, body: "hello" });
		expect(result.isError).toBe(true);
		expect(text).toContain("not found");
	});

	it("refuses an empty comment", async () => {
		await expectInvalid("add_issue_comment", { ...REPO, number: 1, body: "" });
	});
});

describe("create_issue", () => {
	it("creates the confirmed issue", async () => {
		const { data } = await call("create_issue", { owner: "octocat", repo: "repo-c-14", title: "From the tool test", body: "Body" });
		expect(data).toMatchObject({ status: "created", title: "From the tool test" });
		const issue = await call("get_issue", { owner: "octocat", repo: "repo-c-14", number: Number(data?.number) });
		expect(issue.text).toContain("From the tool test");
	});

	it("reports a repository that does not exist", async () => {
		const { result, text } = await call("create_issue", { owner: "octocat", repo: "no-such-repo", title: "x" });
		expect(result.isError).toBe(true);
		expect(text).toContain("not found");
	});

	it("refuses a missing title", async () => {
		await expectInvalid("create_issue", { owner: "octocat", repo: "repo-c-14" });
	});
});

describe("add_to_counter", () => {
	it("refuses an amount that is not a whole number", async () => {
		await expectInvalid("add_to_counter", { amount: 1.5 });
	});
});

describe("triage_issues prompt", () => {
	it("refuses a malformed repository name", async () => {
		await expect(client.getPrompt({ name: "triage_issues", arguments: { owner: "octocat", repo: "a/b" } })).rejects.toThrow(/invalid/i);
	});
});
