/**
 * The demo tools, the counter resource and the prompt, in both lanes: add and whoami answer
 * without asking GitHub (and whoami never shows a token), add_to_counter and counter://session
 * keep a counter per session (2025 lane) or per user (2026 lane), and triage_issues names the
 * repository and the tools to read with, refusing malformed arguments.
 */
import { describe, expect, it, vi } from "vitest";
import { callOutcome, resultText } from "../support/mcp-wire";
import { githubRequests, mintGithubToken } from "../support/standin";
import { grantProps, OCTOCAT } from "../support/users";
import { connect, issueToken, LANES, type Lane, newUser, standIn, userProps } from "./harness";

// Real MCP round trips slow down when other test files run alongside.
vi.setConfig({ testTimeout: 30_000 });

/** A client for octocat (a member of octo-org) with every scope. */
async function octocatClient(lane: Lane) {
	return connect(lane, await issueToken(await userProps()));
}

describe.each(LANES)("demo tools, the counter resource and the prompt (%s lane)", (lane) => {
	it("add: adds two numbers, with no output schema and no GitHub request", async () => {
		const githubToken = await mintGithubToken(standIn().baseUrl, "octocat");
		const client = await connect(lane, await issueToken(grantProps(OCTOCAT, { accessToken: githubToken, scopes: ["repo"] })));
		await client.listTools();
		const before = (await githubRequests(standIn().baseUrl, githubToken)).length;
		const result = await client.callTool({ name: "add", arguments: { a: 2, b: 40.5 } });
		await client.close();
		expect(result.isError).toBeFalsy();
		expect(resultText(result)).toBe("42.5");
		expect(await githubRequests(standIn().baseUrl, githubToken)).toHaveLength(before);
	});

	it("add: refuses arguments of the wrong type with a clear error", async () => {
		const client = await octocatClient(lane);
		const outcome = await callOutcome(client, "add", { a: "two", b: 2 });
		await client.close();
		expect(outcome.isError).toBe(true);
		expect(outcome.text).toMatch(/invalid|validation|expected number/i);
	});

	it("whoami: the identity and scopes from the grant, never a token, with no GitHub request", async () => {
		const githubToken = await mintGithubToken(standIn().baseUrl, "octocat");
		const client = await connect(
			lane,
			await issueToken(grantProps(OCTOCAT, { accessToken: githubToken, scopes: ["read:user", "repo"] }), ["github:read"]),
		);
		await client.listTools();
		const before = (await githubRequests(standIn().baseUrl, githubToken)).length;
		const result = await client.callTool({ name: "whoami", arguments: {} });
		await client.close();
		expect(result.structuredContent).toEqual({
			id: OCTOCAT.id,
			login: OCTOCAT.login,
			name: OCTOCAT.name,
			email: OCTOCAT.email,
			scopes: ["github:read"],
			github_scopes: ["read:user", "repo"],
		});
		expect(JSON.parse(resultText(result))).toEqual(result.structuredContent);
		expect(JSON.stringify(result)).not.toContain(githubToken);
		expect(await githubRequests(standIn().baseUrl, githubToken)).toHaveLength(before);
	});

	it("add_to_counter and counter://session: adds, reads back, and refuses a fraction", async () => {
		const client = await connect(lane, await issueToken(await userProps(await newUser())));
		// A new session (2025 lane) or a new user (2026 lane): the counter starts at zero.
		const start = Number((await client.readResource({ uri: "counter://session" })).contents[0]?.text);
		expect(start).toBe(0);
		const added = await client.callTool({ name: "add_to_counter", arguments: { amount: 5 } });
		expect(added.structuredContent).toEqual({ counter: start + 5 });
		expect(resultText(added)).toBe(`The counter is now ${start + 5}.`);
		const subtracted = await client.callTool({ name: "add_to_counter", arguments: { amount: -2 } });
		expect(subtracted.structuredContent).toEqual({ counter: start + 3 });
		expect((await client.readResource({ uri: "counter://session" })).contents[0]).toMatchObject({
			uri: "counter://session",
			text: String(start + 3),
		});
		const fraction = await callOutcome(client, "add_to_counter", { amount: 1.5 });
		await client.close();
		expect(fraction.isError).toBe(true);
	});

	it("triage_issues: names the repository, the focus and the tools to read with", async () => {
		const client = await octocatClient(lane);
		const prompt = await client.getPrompt({ name: "triage_issues", arguments: { owner: "octocat", repo: "repo-a-0", focus: "crashes" } });
		const plain = await client.getPrompt({ name: "triage_issues", arguments: { owner: "octocat", repo: "repo-a-0" } });
		await client.close();
		expect(prompt.messages).toHaveLength(1);
		const text = prompt.messages[0]?.content.text ?? "";
		expect(text).toContain("Triage the open issues of octocat/repo-a-0, focusing on crashes.");
		for (const tool of ["list_issues", "get_issue"]) expect(text).toContain(tool);
		expect(plain.messages[0]?.content.text).toContain("Triage the open issues of octocat/repo-a-0.");
	});

	it.each([[{ owner: "octocat", repo: "a/b" }], [{ owner: "..", repo: "repo-a-0" }], [{ owner: "octocat" }]])(
		"triage_issues: refuses malformed arguments %j",
		async (args) => {
			const client = await octocatClient(lane);
			await expect(client.getPrompt({ name: "triage_issues", arguments: args as Record<string, string> })).rejects.toThrow();
			await client.close();
		},
	);
});
