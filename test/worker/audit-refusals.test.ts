/**
 * The audit trail records every write-tool call, including the ones refused because the
 * connection may not see the tool: read-only mode, toolsets that leave it out, or a user outside the
 * write allow-list calling it by name. Both lanes let such a call reach invoke.ts, which refuses
 * it (nothing is written) and records the refusal.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { userStore } from "../../src/state/stubs";
import { resultText } from "../support/mcp-wire";
import { githubWrites } from "../support/standin";
import { scratchRepo } from "../support/tool-examples";
import { connect, issueToken, LANES, newUser, standIn, userProps } from "./harness";

describe.each(LANES)("refused write calls are audited (%s lane)", (lane) => {
	it.each([
		["read-only mode", "?readonly=1", ["octo-org"]],
		["toolsets without issues", "?toolsets=repos", ["octo-org"]],
		["a user outside the write allow-list", "", []],
	] as const)("%s: refused, nothing written, one audit entry", async (_case, query, orgs) => {
		const user = await newUser({ orgs: [...orgs] });
		const client = await connect(lane, await issueToken(await userProps(user)), { query });
		const repo = scratchRepo(`audit-${lane}`);
		const result = await client.callTool({ name: "create_issue", arguments: { owner: user.login, repo, title: "Hidden" } });
		await client.close();
		expect(result.isError, resultText(result)).toBe(true);
		expect(result.structuredContent).toMatchObject({ status: "refused" });
		expect(await githubWrites(standIn().baseUrl, `${user.login}/${repo}`)).toEqual([]);
		const entries = await userStore(env, undefined, user.id).auditList();
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ tool: "create_issue", outcome: "refused", target: `${user.login}/${repo}`, userId: user.id });
	});
});
