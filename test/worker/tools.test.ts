import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { issueTokenForProps, mintGithubToken, OCTOCAT, octocatProps, type StandInFault } from "./helpers";
import { connectMcp, resultText } from "./mcp-client";

async function callTool(props: Awaited<ReturnType<typeof octocatProps>>, name: string, args: Record<string, unknown> = {}) {
	const client = await connectMcp(await issueTokenForProps(props));
	try {
		return (await client.callTool({ name, arguments: args })) as CallToolResult;
	} finally {
		await client.close();
	}
}

describe("tools/list", () => {
	it("offers every tool to a token with every scope, each described, with described inputs", async () => {
		const client = await connectMcp(await issueTokenForProps(await octocatProps()));
		const { tools } = await client.listTools();
		await client.close();
		expect(tools.map((tool) => tool.name).sort()).toEqual([
			"add",
			"add_issue_comment",
			"add_to_counter",
			"create_issue",
			"get_file",
			"get_issue",
			"get_repo",
			"list_issues",
			"list_repos",
			"search_issues",
			"whoami",
		]);
		for (const tool of tools) {
			expect(tool.description?.length).toBeGreaterThan(30);
			for (const property of Object.values((tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>))
				expect(property.description).toBeTruthy();
			// Every tool but the demo `add` returns structured content described by an output schema.
			if (tool.name !== "add") expect(tool.outputSchema).toBeDefined();
		}
		const listRepos = tools.find((tool) => tool.name === "list_repos");
		const properties = listRepos?.inputSchema.properties as Record<string, { description?: string }>;
		expect(Object.keys(properties).sort()).toEqual(["direction", "page", "per_page", "sort", "visibility"]);
		for (const property of Object.values(properties)) expect(property.description).toBeTruthy();
	});
});

describe("add", () => {
	it("adds two numbers", async () => {
		const result = await callTool(await octocatProps(), "add", { a: 2, b: 40.5 });
		expect(result.isError).toBeFalsy();
		expect(resultText(result)).toBe("42.5");
	});

	it("rejects arguments of the wrong type with a clear error", async () => {
		const client = await connectMcp(await issueTokenForProps(await octocatProps()));
		const outcome = await client.callTool({ name: "add", arguments: { a: "two", b: 2 } }).then(
			(result) => resultText(result),
			(error: Error) => error.message,
		);
		await client.close();
		expect(outcome).toMatch(/invalid|validation|expected number/i);
	});
});

describe("whoami", () => {
	it("returns the identity from props and never the GitHub token", async () => {
		const props = await octocatProps();
		const result = await callTool(props, "whoami");
		expect(JSON.parse(resultText(result))).toEqual({
			id: OCTOCAT.githubId,
			login: "octocat",
			name: "The Octocat",
			email: "octocat@github.com",
			scopes: ["github:read", "github:private", "github:write"],
			github_scopes: props.scopes,
		});
		expect(JSON.stringify(result)).not.toContain(props.accessToken);
	});

	it("works with no network: a revoked GitHub token does not matter", async () => {
		const result = await callTool(await octocatProps("unauthorized"), "whoami");
		expect(result.isError).toBeFalsy();
		expect(resultText(result)).toContain('"login": "octocat"');
	});
});

describe("list_repos", () => {
	it("lists the first page, newest update first, and says which page comes next", async () => {
		const result = await callTool(await octocatProps(), "list_repos");
		const text = resultText(result);
		expect(result.isError).toBeFalsy();
		expect(text).toContain("(page 1, 30 shown)");
		expect(text).toContain("call list_repos again with page=2");
		const dates = [...text.matchAll(/updated (\S+)/g)].map((match) => match[1] ?? "");
		expect(dates).toHaveLength(30);
		expect([...dates].sort().reverse()).toEqual(dates);
	});

	it("sorts by name ascending and pages to the end", async () => {
		const props = await octocatProps();
		const first = resultText(await callTool(props, "list_repos", { sort: "full_name", per_page: 20 }));
		const names = [...first.matchAll(/^- (\S+)/gm)].map((match) => match[1] ?? "");
		expect(names).toHaveLength(20);
		expect([...names].sort()).toEqual(names);
		const last = resultText(await callTool(props, "list_repos", { sort: "full_name", per_page: 20, page: 2 }));
		expect(last).toContain("(page 2, 15 shown)");
		expect(last).toContain("This is the last page.");
		expect(resultText(await callTool(props, "list_repos", { page: 50 }))).toContain("past the last page");
	});

	it("shows only private repositories when asked", async () => {
		const text = resultText(await callTool(await octocatProps(), "list_repos", { visibility: "private", per_page: 100 }));
		const lines = text.split("\n").filter((line) => line.startsWith("- "));
		expect(lines.length).toBeGreaterThan(0);
		for (const line of lines) expect(line).toContain("(private");
	});

	it("says so when the user has no repositories", async () => {
		const token = await mintGithubToken("hubot");
		const result = await callTool(
			{ githubId: 480938, login: "hubot", name: null, email: null, scopes: ["repo"], accessToken: token },
			"list_repos",
		);
		expect(result.isError).toBeFalsy();
		expect(resultText(result)).toBe("No repositories found for this account.");
	});

	it.each<[StandInFault, RegExp]>([
		["unauthorized", /rejected the sign-in token .* Reconnect/],
		["forbidden", /GitHub refused access/],
		["rate_limited", /rate limit .* exhausted\. It resets at \d{4}-\d\d-\d\dT/],
		["server_error", /GitHub is having problems \(HTTP 500\)/],
	])("turns GitHub's %s answer into a clear isError result", async (fault, message) => {
		const props = await octocatProps(fault);
		const result = await callTool(props, "list_repos");
		expect(result.isError).toBe(true);
		expect(resultText(result)).toMatch(message);
		expect(JSON.stringify(result)).not.toContain(props.accessToken);
	});

	it.each([[{ per_page: 0 }], [{ per_page: 101 }], [{ page: 0 }], [{ sort: "stars" }]])(
		"refuses out-of-range arguments %j",
		async (args) => {
			const client = await connectMcp(await issueTokenForProps(await octocatProps()));
			const outcome = await client.callTool({ name: "list_repos", arguments: args }).then(
				(result) => ({ isError: Boolean(result.isError), text: resultText(result) }),
				(error: Error) => ({ isError: true, text: error.message }),
			);
			await client.close();
			expect(outcome.isError).toBe(true);
			expect(outcome.text).toMatch(/invalid|validation/i);
		},
	);
});
