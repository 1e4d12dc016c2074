/**
 * The audit trail of write calls, in both lanes: every call of a write tool, whatever its outcome
 * (accepted, declined, cancelled, refused, failed, unknown), leaves exactly one entry in the
 * user's UserStore and one JSON log line, without a token or the text written; a write to this
 * server's own state is audited too, a read is not. Every test writes to a scratch repository of
 * its own user, so the audit trail it reads is its own.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ToolDefinition } from "../../src/mcp/define";
import { userStore } from "../../src/state/stubs";
import type { AuditEntry } from "../../src/state/user-store";
import { captureConsole } from "../support/console-capture";
import { callOutcome } from "../support/mcp-wire";
import { clearStandInFaults, seedFailingCall, setStandInFaults, setStandInOrgs } from "../support/standin";
import { acceptAsShown, connect, type ElicitHandler, issueTokens, LANES, newUser, standIn, userProps } from "./harness";
import { CONFIRMED_TOOLS, writeOf, writer } from "./write-cases";

// Several tests loop over real MCP round trips, which slow down when other test files run alongside.
vi.setConfig({ testTimeout: 30_000 });

describe.each(LANES)("the audit trail of write calls (%s lane)", (lane) => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	const laneName = lane === "legacy" ? "session" : "stateless";
	const tool = CONFIRMED_TOOLS.find((candidate) => candidate.name === "create_issue") ?? (CONFIRMED_TOOLS[0] as ToolDefinition);

	async function auditOf(userId: string): Promise<AuditEntry[]> {
		return userStore(env, undefined, userId).auditList();
	}

	function auditLines(output: string): Record<string, unknown>[] {
		return output
			.split("\n")
			.filter((line) => line.includes('"type":"audit"'))
			.map((line) => JSON.parse(line) as Record<string, unknown>);
	}

	it.each<[string, "created" | "declined" | "cancelled" | "refused" | "failed" | "unknown"]>([
		["accepted", "created"],
		["declined", "declined"],
		["cancelled", "cancelled"],
		["refused for a client without forms", "refused"],
		["refused by the allow-list, asked again at the call", "refused"],
		["failed at GitHub", "failed"],
		["left unknown by GitHub", "unknown"],
	])("%s: one entry (%s) in the user's store and one log line, without a token or the text written", async (label, outcome) => {
		const { user, repo, tokens, githubToken } = await writer(tool, lane, `audit-${outcome}`);
		const secretText = `Secret text ${crypto.randomUUID()}`;
		const args: Record<string, unknown> = { ...writeOf(tool).args(user.login, repo), title: secretText, body: secretText };
		const elicit: ElicitHandler | undefined =
			outcome === "declined"
				? () => ({ action: "decline" })
				: outcome === "cancelled"
					? () => ({ action: "cancel" })
					: label.startsWith("refused for a client")
						? undefined
						: acceptAsShown;
		const client = await connect(lane, tokens.accessToken, elicit ? { elicit } : {});
		await client.listTools();
		if (label.startsWith("refused by the allow-list")) {
			await setStandInOrgs(standIn().baseUrl, user.login, []);
		}
		const target: Record<string, unknown> = outcome === "failed" ? { ...args, repo: "no-such-repo" } : args;
		if (outcome === "unknown") {
			const rates = { serverErrorRate: 0.5 };
			await setStandInFaults(standIn().baseUrl, user.login, {
				...rates,
				seed: await seedFailingCall(standIn().baseUrl, rates, lane === "legacy" ? 1 : 2, "server_error"),
			});
		}
		const output = captureConsole();
		const result = await callOutcome(client, tool.name, target);
		vi.restoreAllMocks();
		await clearStandInFaults(standIn().baseUrl, user.login);
		await client.close();
		expect(result.structured?.status, result.text).toBe(outcome);

		const expected = {
			userId: user.id,
			login: user.login,
			clientId: tokens.clientId,
			tool: tool.name,
			target: `${user.login}/${String(target.repo)}`,
			outcome,
			lane: laneName,
		};
		const entries = await auditOf(user.id);
		expect(entries).toEqual([{ ...expected, at: expect.any(Number) }]);
		const lines = auditLines(output());
		expect(lines).toEqual([{ type: "audit", ...expected, at: expect.any(Number) }]);
		for (const secret of [githubToken, tokens.accessToken, tokens.refreshToken, secretText]) {
			expect(JSON.stringify(entries)).not.toContain(secret);
			expect(output()).not.toContain(secret);
		}
	});

	it("add_to_counter, a write to this server's state, is audited too (outcome done)", async () => {
		const user = await newUser();
		const tokens = await issueTokens(await userProps(user));
		const client = await connect(lane, tokens.accessToken);
		const output = captureConsole();
		await client.callTool({ name: "add_to_counter", arguments: { amount: 2 } });
		vi.restoreAllMocks();
		await client.close();
		const expected = {
			userId: user.id,
			login: user.login,
			clientId: tokens.clientId,
			tool: "add_to_counter",
			target: "counter",
			outcome: "done",
			lane: laneName,
		};
		expect(await auditOf(user.id)).toEqual([{ ...expected, at: expect.any(Number) }]);
		expect(auditLines(output())).toEqual([{ type: "audit", ...expected, at: expect.any(Number) }]);
	});

	it("read tools leave no audit entry", async () => {
		const user = await newUser();
		const client = await connect(lane, (await issueTokens(await userProps(user))).accessToken);
		const output = captureConsole();
		await client.callTool({ name: "get_repo", arguments: { owner: user.login, repo: "scratch-audit-read" } });
		await client.callTool({ name: "whoami", arguments: {} });
		vi.restoreAllMocks();
		await client.close();
		expect(await auditOf(user.id)).toEqual([]);
		expect(auditLines(output())).toEqual([]);
	});
});
