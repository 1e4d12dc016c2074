/**
 * GitHub's failures in the tools, over both lanes, against the GitHub stand-in: 401 (the grant
 * ends), 403, 404, rate limits, 5xx and connection resets turned into clear isError results that
 * never show the token, a session that stays usable after a fault, and a GitHub that never answers.
 * Tests that inject faults do it for a stand-in user of their own, so this file runs beside the others.
 */
import { describe, expect, it, vi } from "vitest";
import { isWriteTool } from "../../src/mcp/define";
import { TOOLS } from "../../src/mcp/registry";
import { type CallOutcome, callOutcome } from "../support/mcp-wire";
import type { StandInFault } from "../support/standin";
import { clearStandInFaults, githubWrites, setStandInFaults } from "../support/standin";
import { exampleOn } from "../support/tool-examples";
import { acceptAsShown, call, connect, issueToken, LANES, newUser, standIn, userProps } from "./harness";

// Several tests loop over real MCP round trips, which slow down when other test files run alongside.
vi.setConfig({ testTimeout: 30_000 });

/** The tools that call GitHub (the others make no network request: openWorldHint false). */
const GITHUB_TOOLS = TOOLS.filter((tool) => tool.annotations.openWorldHint === true);
const GITHUB_READ_TOOLS = GITHUB_TOOLS.filter((tool) => !isWriteTool(tool));

const READ_FAULTS: [StandInFault, RegExp][] = [
	["forbidden", /^Could not .*: GitHub refused access\. The signed-in account or this app may lack permission/],
	["rate_limited", /^Could not .*: the GitHub API rate limit for this account is exhausted\. It resets at \d{4}-\d\d-\d\dT/],
	["server_error", /^Could not .*: GitHub is having problems \(HTTP 500\)\. Try again in a moment\.$/],
];

describe.each(LANES)("GitHub's failures in the read tools (%s lane)", (lane) => {
	it.each(READ_FAULTS)("a token GitHub answers %s to gives every read tool a clear isError result", async (fault, message) => {
		const user = await newUser();
		const props = await userProps(user, fault);
		const client = await connect(lane, await issueToken(props));
		for (const tool of GITHUB_READ_TOOLS) {
			const outcome = await callOutcome(client, tool.name, exampleOn(tool, user.login, "scratch-faults"));
			expect(outcome.isError, tool.name).toBe(true);
			expect(outcome.text, tool.name).toMatch(message);
			expect(outcome.text).not.toContain(props.upstream.accessToken);
		}
		await client.close();
	});

	it("a repository, issue or file that does not exist is reported as not found by every tool that names one", async () => {
		const client = await connect(lane, await issueToken(await userProps()), { elicit: acceptAsShown });
		for (const tool of GITHUB_TOOLS.filter((candidate) => "owner" in candidate.input)) {
			const outcome = await callOutcome(client, tool.name, exampleOn(tool, "octocat", `no-such-repo-${lane}`));
			expect(outcome.isError, tool.name).toBe(true);
			expect(outcome.text, tool.name).toContain(
				'GitHub answered "not found". The resource does not exist or the signed-in account cannot see it.',
			);
		}
		await client.close();
		expect(await githubWrites(standIn().baseUrl, `octocat/no-such-repo-${lane}`)).toEqual(
			GITHUB_TOOLS.filter(isWriteTool).map(() => expect.objectContaining({ status: 404 })),
		);
	});

	it("a token GitHub no longer accepts (401) ends the grant, with a result that says to reconnect", async () => {
		const user = await newUser();
		for (const tool of GITHUB_READ_TOOLS) {
			// A connection with a good token first: the allow-list answer for listing is then known.
			const warm = await connect(lane, await issueToken(await userProps(user)));
			await warm.listTools();
			await warm.close();
			const token = await issueToken(await userProps(user, "unauthorized"));
			const client = await connect(lane, token);
			const outcome = await callOutcome(client, tool.name, exampleOn(tool, user.login, "scratch-faults"));
			await client.close().catch(() => {});
			expect(outcome.isError, tool.name).toBe(true);
			expect(outcome.text, tool.name).toMatch(
				/GitHub no longer accepts this connection's sign-in .* Reconnect this MCP server to sign in again\./,
			);
			// The grant is over: its token is refused from now on, so the client signs in again.
			const after = await call("/mcp", {
				method: "POST",
				headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
				body: "{}",
			});
			expect(after.status, tool.name).toBe(401);
		}
	});
});

describe.each(LANES)("faults in a session that stays usable (%s lane)", (lane) => {
	it.each([
		["serverErrorRate", /GitHub is having problems \(HTTP 50[23]\)\. Try again in a moment\./],
		["resetRate", /GitHub could not be reached\. Try again in a moment\./],
		["rateLimitRate", /rate limit for this account is exhausted\.|rate limit/],
	])("%s: a clear error, then the same connection works again", async (rate, message) => {
		const user = await newUser();
		const client = await connect(lane, await issueToken(await userProps(user)));
		await client.listTools();
		await setStandInFaults(standIn().baseUrl, user.login, { [rate]: 1, seed: 7 });
		let failed: CallOutcome;
		try {
			failed = await callOutcome(client, "get_repo", { owner: user.login, repo: "scratch-usable" });
		} finally {
			await clearStandInFaults(standIn().baseUrl, user.login);
		}
		expect(failed.isError).toBe(true);
		expect(failed.text).toMatch(message);
		const again = await client.callTool({ name: "get_repo", arguments: { owner: user.login, repo: "scratch-usable" } });
		await client.close();
		expect(again.isError).toBeFalsy();
		expect(again.structuredContent).toMatchObject({ full_name: `${user.login}/scratch-usable` });
	});
});

describe("a GitHub that never answers", () => {
	// The tools' timeout is GITHUB_TIMEOUT_MS (15 s); both lanes wait for it at once.
	it.concurrent.each(LANES)(
		"%s lane: the call ends with a clear timeout error, and the connection still works",
		async (lane) => {
			const user = await newUser();
			const warm = await connect(lane, await issueToken(await userProps(user)));
			await warm.listTools();
			await warm.close();
			const client = await connect(lane, await issueToken(await userProps(user, "hang")));
			const started = Date.now();
			const outcome = await callOutcome(client, "get_repo", { owner: user.login, repo: "scratch-hang" });
			expect(Date.now() - started).toBeLessThan(25_000);
			expect(outcome.isError).toBe(true);
			expect(outcome.text).toBe(`Could not read ${user.login}/scratch-hang: GitHub did not answer in time. Try again in a moment.`);
			expect((await client.callTool({ name: "add", arguments: { a: 1, b: 1 } })).isError).toBeFalsy();
			await client.close();
		},
		40_000,
	);
});
