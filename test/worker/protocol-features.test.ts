/**
 * Protocol features beyond tools: argument completions (both lanes), logging/setLevel and
 * resource subscriptions (the 2025 lane; the 2026-07-28 revision removed both).
 */
import { describe, expect, it } from "vitest";
import { MAX_SUBSCRIPTIONS } from "../../src/mcp/lanes/agent";
import { initializeBody, legacyHeaders, modernRequest, readResponse } from "../support/mcp-wire";
import { OCTOCAT } from "../support/users";
import { call, issueToken, newUser, userProps } from "./harness";

async function legacySession(token: string) {
	const init = await call("/mcp", {
		method: "POST",
		headers: legacyHeaders(token, undefined, "2025-11-25"),
		body: initializeBody({ version: "2025-11-25" }),
	});
	expect(init.status).toBe(200);
	const sessionId = init.headers.get("mcp-session-id") ?? "";
	const capabilities = (await readResponse(init)).result?.capabilities as Record<string, unknown>;
	const request = async (method: string, params: Record<string, unknown>, id = 2) => {
		const response = await call("/mcp", {
			method: "POST",
			headers: legacyHeaders(token, sessionId, "2025-11-25"),
			body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
		});
		return readResponse(response, id);
	};
	return { capabilities, request };
}

async function modern(token: string, method: string, params: Record<string, unknown>) {
	const { body, headers } = modernRequest(method, params);
	return readResponse(await call("/mcp", { method: "POST", headers: { ...headers, Authorization: `Bearer ${token}` }, body }));
}

const promptRef = { type: "ref/prompt", name: "triage_issues" };
const templateRef = { type: "ref/resource", uri: "github://repos/{owner}/{repo}/issues/{number}" };

describe("completions", () => {
	it.each([
		["the triage prompt's owner", promptRef, { name: "owner", value: "oct" }, {}, ["octocat", "octo-org"]],
		[
			"the triage prompt's repo, of the chosen owner",
			promptRef,
			{ name: "repo", value: "repo-a" },
			{ arguments: { owner: "octocat" } },
			["repo-a-0"],
		],
		["the issue template's repo", templateRef, { name: "repo", value: "repo-b" }, {}, ["repo-b-7"]],
	])("complete %s from the caller's own account, on both lanes", async (_what, ref, argument, context, expected) => {
		const token = await issueToken(await userProps(OCTOCAT));
		const legacy = await legacySession(token);
		expect(legacy.capabilities).toHaveProperty("completions");
		const params = { ref, argument, ...(Object.keys(context).length ? { context } : {}) };
		for (const answer of [await legacy.request("completion/complete", params), await modern(token, "completion/complete", params)]) {
			const values = (answer.result?.completion as { values: string[] } | undefined)?.values ?? [];
			expect(values).toEqual(expect.arrayContaining(expected));
			for (const value of values) expect(value.toLowerCase().startsWith(argument.value)).toBe(true);
		}
	});
});

describe("the 2025 lane's session features", () => {
	it("accepts logging/setLevel", async () => {
		const session = await legacySession(await issueToken(await userProps()));
		expect(session.capabilities).toHaveProperty("logging");
		expect((await session.request("logging/setLevel", { level: "info" })).result).toEqual({});
	});

	it("subscribes to known resources only", async () => {
		const session = await legacySession(await issueToken(await userProps()));
		expect(session.capabilities).toMatchObject({ resources: { subscribe: true } });
		expect((await session.request("resources/subscribe", { uri: "counter://session" })).result).toEqual({});
		expect((await session.request("resources/subscribe", { uri: "github://repos/octocat/repo-a-0/issues/1" }, 3)).result).toEqual({});
		expect((await session.request("resources/subscribe", { uri: "test://watched-resource" }, 4)).error).toMatchObject({ code: -32602 });
		expect((await session.request("resources/unsubscribe", { uri: "counter://session" }, 5)).result).toEqual({});
	});

	it(`holds at most ${MAX_SUBSCRIPTIONS} subscriptions per session; one more is refused until one is dropped`, async () => {
		const session = await legacySession(await issueToken(await userProps(await newUser())));
		const issue = (n: number) => ({ uri: `github://repos/octocat/repo-a-0/issues/${n}` });
		for (let n = 1; n <= MAX_SUBSCRIPTIONS; n++)
			expect((await session.request("resources/subscribe", issue(n), 10 + n)).result).toEqual({});
		// Subscribing again to one it holds changes nothing.
		expect((await session.request("resources/subscribe", issue(1), 100)).result).toEqual({});
		const refused = await session.request("resources/subscribe", issue(MAX_SUBSCRIPTIONS + 1), 101);
		expect(refused.error).toMatchObject({ code: -32600, message: expect.stringContaining(`${MAX_SUBSCRIPTIONS} resource subscriptions`) });
		// Dropping one that was never held frees nothing; dropping a held one makes room.
		expect((await session.request("resources/unsubscribe", issue(MAX_SUBSCRIPTIONS + 2), 102)).result).toEqual({});
		expect((await session.request("resources/subscribe", issue(MAX_SUBSCRIPTIONS + 1), 103)).error).toBeDefined();
		expect((await session.request("resources/unsubscribe", issue(1), 104)).result).toEqual({});
		expect((await session.request("resources/subscribe", issue(MAX_SUBSCRIPTIONS + 1), 105)).result).toEqual({});
	});
});
