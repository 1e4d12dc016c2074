/**
 * The write tools in both lanes: nothing is written without the user's confirmation (MCP
 * elicitation in the 2025 lane; an `input_required` result the client answers by retrying in the
 * 2026-07-28 lane), what is written is what the user accepted, a write whose outcome GitHub leaves
 * unknown says so and is never retried, and a write GitHub refuses says why. The audit trail of
 * write calls is in write-audit.test.ts.
 *
 * Every test writes to a scratch repository of its own user, so the write log it reads is its own.
 */
import { describe, expect, it, vi } from "vitest";
import type { ToolDefinition } from "../../src/mcp/define";
import { type CallOutcome, callOutcome, type JsonRpcMessage, modernRequest, readResponse, resultText } from "../support/mcp-wire";
import { clearStandInFaults, mintGithubToken, seedFailingCall, setStandInFaults } from "../support/standin";
import { acceptAsShown, call, connect, type ElicitHandler, issueTokens, LANES, standIn, userProps } from "./harness";
import { CONFIRMED_TOOLS, WRITES, writeOf, writer, writesOf } from "./write-cases";

// Several tests loop over real MCP round trips, which slow down when other test files run alongside.
vi.setConfig({ testTimeout: 30_000 });

/** A form answer that replaces every field with an edited value. */
function editEveryField(suffix: string): ElicitHandler & { shown: { message: string; requestedSchema: unknown }[] } {
	const shown: { message: string; requestedSchema: unknown }[] = [];
	const handler = (request: { message: string; requestedSchema: unknown }) => {
		shown.push(request);
		const schema = request.requestedSchema as { properties: Record<string, unknown> };
		const content = Object.fromEntries(Object.keys(schema.properties).map((name) => [name, `Edited ${name} ${suffix}`]));
		return { action: "accept" as const, content };
	};
	return Object.assign(handler, { shown });
}

it("the write cases cover every confirmed write tool of the registry", () => {
	expect(CONFIRMED_TOOLS.length).toBeGreaterThan(0);
	expect(Object.keys(WRITES).sort()).toEqual(CONFIRMED_TOOLS.map((tool) => tool.name).sort());
});

describe.each(LANES)("confirmed writes (%s lane)", (lane) => {
	describe.each(CONFIRMED_TOOLS.map((tool) => [tool.name, tool] as const))("%s", (_name, tool) => {
		it("shows the proposed text, and writes exactly once what the user accepted, with their edits", async () => {
			const { user, repo, tokens, githubToken } = await writer(tool, lane, "accept");
			const write = writeOf(tool);
			const elicit = editEveryField(lane);
			const client = await connect(lane, tokens.accessToken, { elicit });
			const result = await client.callTool({ name: tool.name, arguments: write.args(user.login, repo) });
			await client.close();

			expect(elicit.shown).toHaveLength(1);
			const form = elicit.shown[0] as { message: string; requestedSchema: { properties: Record<string, { default: string }> } };
			expect(form.message).toContain(`${user.login}/${repo}`);
			const proposed = write.args(user.login, repo);
			for (const [name, property] of Object.entries(form.requestedSchema.properties)) {
				expect(property.default, name).toBe(String(proposed[name] ?? ""));
			}
			expect(result.isError).toBeFalsy();
			expect(result.structuredContent).toMatchObject({ status: "created" });
			const writes = await writesOf(tool, user.login, repo);
			expect(writes).toHaveLength(1);
			expect(writes[0]).toMatchObject({ method: "POST", status: 201, fault: null });
			const written = await write.readBack(githubToken, user.login, repo);
			for (const name of Object.keys(form.requestedSchema.properties)) expect(written[name], name).toBe(`Edited ${name} ${lane}`);
		});

		it.each<[string, ElicitHandler, string]>([
			["declines", () => ({ action: "decline" }), "declined"],
			["cancels", () => ({ action: "cancel" }), "cancelled"],
		])("writes nothing when the user %s, and says so in a structured status", async (label, elicit, status) => {
			const { user, repo, tokens } = await writer(tool, lane, label);
			const client = await connect(lane, tokens.accessToken, { elicit });
			const result = await client.callTool({ name: tool.name, arguments: writeOf(tool).args(user.login, repo) });
			await client.close();
			expect(result.isError).toBeFalsy();
			expect(result.structuredContent).toEqual({ status });
			expect(resultText(result)).toBe(`Nothing was written: the user ${status}.`);
			expect(await writesOf(tool, user.login, repo)).toEqual([]);
		});

		it("writes nothing when the user accepts with the required text emptied", async () => {
			const { user, repo, tokens } = await writer(tool, lane, "emptied");
			const client = await connect(lane, tokens.accessToken, {
				elicit: (request) => {
					const schema = request.requestedSchema as { properties: Record<string, unknown> };
					return { action: "accept", content: Object.fromEntries(Object.keys(schema.properties).map((name) => [name, "   "])) };
				},
			});
			const outcome = await callOutcome(client, tool.name, writeOf(tool).args(user.login, repo));
			await client.close();
			expect(outcome).toMatchObject({ isError: true, structured: { status: "refused" } });
			expect(outcome.text).toMatch(/^Nothing was written: the (title|comment) was left empty\.$/);
			expect(await writesOf(tool, user.login, repo)).toEqual([]);
		});

		it("refuses, and writes nothing, for a client that cannot show a confirmation form", async () => {
			const { user, repo, tokens } = await writer(tool, lane, "no-form");
			const client = await connect(lane, tokens.accessToken);
			const outcome = await callOutcome(client, tool.name, writeOf(tool).args(user.login, repo));
			await client.close();
			expect(outcome).toMatchObject({ isError: true, structured: { status: "refused" } });
			expect(outcome.text).toContain("this MCP client does not support confirmation forms (MCP elicitation)");
			expect(await writesOf(tool, user.login, repo)).toEqual([]);
		});
	});
});

describe("the 2026-07-28 confirmation on the wire: input_required, then a retry", () => {
	const elicitation = { elicitation: { form: {} } };

	async function post(token: string, request: { body: string; headers: Record<string, string> }): Promise<JsonRpcMessage> {
		const response = await call("/mcp", {
			method: "POST",
			body: request.body,
			headers: { ...request.headers, Authorization: `Bearer ${token}` },
		});
		expect(response.status).toBe(200);
		return readResponse(response);
	}

	it("answers the first call with an input_required result naming the form, and a declined retry writes nothing", async () => {
		const tool = CONFIRMED_TOOLS.find((candidate) => candidate.name === "create_issue") ?? (CONFIRMED_TOOLS[0] as ToolDefinition);
		const { user, repo, tokens } = await writer(tool, "modern", "wire");
		const params = { name: tool.name, arguments: writeOf(tool).args(user.login, repo) };

		const first = await post(tokens.accessToken, modernRequest("tools/call", params, { capabilities: elicitation }));
		expect(first.result?.resultType).toBe("input_required");
		const requests = first.result?.inputRequests as Record<
			string,
			{ method: string; params: { message: string; requestedSchema: unknown } }
		>;
		expect(Object.keys(requests)).toEqual(["confirm"]);
		expect(requests.confirm).toMatchObject({
			method: "elicitation/create",
			params: {
				message: expect.stringContaining(`${user.login}/${repo}`),
				requestedSchema: { type: "object", properties: { title: { type: "string", default: "Proposed title" } } },
			},
		});
		expect(await writesOf(tool, user.login, repo)).toEqual([]);

		const declined = await post(
			tokens.accessToken,
			modernRequest("tools/call", { ...params, inputResponses: { confirm: { action: "decline" } } }, { capabilities: elicitation }),
		);
		expect(declined.result).toMatchObject({ resultType: "complete", structuredContent: { status: "declined" } });
		expect(declined.result?.isError).toBeFalsy();
		expect(await writesOf(tool, user.login, repo)).toEqual([]);

		// The same retry, accepted with an edit: one write, of the edited text.
		const accepted = await post(
			tokens.accessToken,
			modernRequest(
				"tools/call",
				{ ...params, inputResponses: { confirm: { action: "accept", content: { title: "Edited on the wire", body: "" } } } },
				{ capabilities: elicitation },
			),
		);
		expect(accepted.result?.structuredContent).toMatchObject({ status: "created", title: "Edited on the wire" });
		expect(await writesOf(tool, user.login, repo)).toHaveLength(1);
	});

	it("refuses at once, without a form, when the request declares no elicitation capability", async () => {
		const tool = CONFIRMED_TOOLS[0] as ToolDefinition;
		const { user, repo, tokens } = await writer(tool, "modern", "wire-no-form");
		const answer = await post(
			tokens.accessToken,
			modernRequest("tools/call", { name: tool.name, arguments: writeOf(tool).args(user.login, repo) }),
		);
		expect(answer.result).toMatchObject({ resultType: "complete", isError: true, structuredContent: { status: "refused" } });
		expect(await writesOf(tool, user.login, repo)).toEqual([]);
	});
});

describe.each(LANES)("writes whose outcome GitHub leaves unknown (%s lane)", (lane) => {
	// The allow-list asks GitHub once per call before the write (twice in the 2026 lane: the first
	// request ends with input_required, the retry asks again), so the write is call 2 or 3.
	const passing = lane === "legacy" ? 1 : 2;

	it.each<[string, { resetRate?: number; serverErrorRate?: number }, "reset" | "server_error", RegExp]>([
		["a connection reset", { resetRate: 0.5 }, "reset", /GitHub could not be reached/],
		["a 5xx", { serverErrorRate: 0.5 }, "server_error", /GitHub had a problem \(HTTP 50[23]\)/],
	])("%s on the write: the result says the outcome is unknown, and the write is not retried", async (_label, rates, kind, cause) => {
		for (const tool of CONFIRMED_TOOLS) {
			const { user, repo, tokens } = await writer(tool, lane, `unknown-${kind}`);
			const client = await connect(lane, tokens.accessToken, { elicit: acceptAsShown });
			await client.listTools();
			await setStandInFaults(standIn().baseUrl, user.login, {
				...rates,
				seed: await seedFailingCall(standIn().baseUrl, rates, passing, kind),
			});
			let outcome: CallOutcome;
			try {
				outcome = await callOutcome(client, tool.name, writeOf(tool).args(user.login, repo));
			} finally {
				await clearStandInFaults(standIn().baseUrl, user.login);
			}
			expect(outcome.isError, tool.name).toBe(true);
			expect(outcome.structured, tool.name).toEqual({ status: "unknown" });
			expect(outcome.text, tool.name).toMatch(/^Could not confirm that the request to .* succeeded: /);
			expect(outcome.text, tool.name).toMatch(cause);
			expect(outcome.text, tool.name).toContain(
				"GitHub may or may not have done it. Check on GitHub before trying again; this server does not retry writes.",
			);
			const writes = await writesOf(tool, user.login, repo);
			expect(writes, tool.name).toHaveLength(1);
			expect(writes[0]?.fault, tool.name).toBe(kind);
			// The session is still usable.
			expect((await client.callTool({ name: "add", arguments: { a: 1, b: 2 } })).isError).toBeFalsy();
			await client.close();
		}
	});
});

describe.each(LANES)("writes GitHub refuses (%s lane)", (lane) => {
	const passing = lane === "legacy" ? 1 : 2;

	it.each<[string, RegExp]>([
		["forbidden", /^Could not .*: GitHub refused access\. The signed-in account or this app may lack permission/],
		["rate limited", /^Could not .*: the GitHub API rate limit for this account is exhausted\./],
		["not found", /^Could not .*: GitHub answered "not found"\./],
		["unauthorized", /GitHub no longer accepts this connection's sign-in .* Reconnect this MCP server to sign in again\./],
	])("%s: a clear error with status failed, and at most the one refused attempt", async (label, message) => {
		for (const tool of CONFIRMED_TOOLS) {
			const { user, props, repo, tokens } = await writer(tool, lane, `refused-${label.replace(/ /g, "-")}`);
			let accessToken = tokens.accessToken;
			if (label === "forbidden") {
				// A GitHub token without the repo scopes: GitHub refuses the write itself.
				const readOnly = await mintGithubToken(standIn().baseUrl, user.login, { scopes: ["read:user", "user:email"] });
				accessToken = (await issueTokens({ ...props, upstream: { accessToken: readOnly, scopes: ["read:user", "user:email"] } }))
					.accessToken;
			}
			if (label === "unauthorized") {
				// The allow-list's answer is known from the good token's listing; GitHub then refuses the call's token.
				const warm = await connect(lane, tokens.accessToken);
				await warm.listTools();
				await warm.close();
				accessToken = (await issueTokens(await userProps(user, "unauthorized"))).accessToken;
			}
			const client = await connect(lane, accessToken, { elicit: acceptAsShown });
			await client.listTools();
			const args = writeOf(tool).args(user.login, label === "not found" ? "no-such-repo" : repo);
			if (label === "rate limited") {
				const rates = { rateLimitRate: 0.5 };
				await setStandInFaults(standIn().baseUrl, user.login, {
					...rates,
					seed: await seedFailingCall(standIn().baseUrl, rates, passing, "rate_limit"),
				});
			}
			let outcome: CallOutcome;
			try {
				outcome = await callOutcome(client, tool.name, args);
			} finally {
				await clearStandInFaults(standIn().baseUrl, user.login);
			}
			await client.close().catch(() => {});
			expect(outcome.isError, tool.name).toBe(true);
			expect(outcome.structured, tool.name).toEqual({ status: "failed" });
			expect(outcome.text, tool.name).toMatch(message);
			const writes = await writesOf(tool, user.login, label === "not found" ? "no-such-repo" : repo);
			expect(writes.length, tool.name).toBeLessThanOrEqual(1);
			if (label === "forbidden" || label === "rate limited") expect(writes, tool.name).toHaveLength(1);
		}
	});
});
