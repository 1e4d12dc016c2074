/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance) against a real
 * `wrangler dev`, for the server requirements of both revisions this server speaks: 2025-11-25
 * (the McpAgent lane) and 2026-07-28 (the stateless lane), through a bearer proxy (the suite's
 * server scenarios take no token).
 *
 * Many scenarios drive the suite's own fixture tools, prompts and resources (test_simple_text,
 * test://static-text, …), which a GitHub server does not have. Those are listed below with the
 * reason; a listed scenario may fail only with a failure that names the missing fixture. Every
 * other scenario must pass, check by check. The README's "Conformance" section lists the same.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_MCP_SCOPES } from "../../src/scopes";
import { type DevServer, startDevServer } from "../e2e/dev-server";
import { OAuthFlow } from "../support/oauth-flow";
import { FIXTURE_MISSING, failures, NOT_APPLICABLE, runConformance, type ScenarioResult, startBearerProxy } from "./conformance";

/** Extensions (not scored for either revision): the Tasks extension, which this server does not offer. */
const EXTENSION = /^tasks-/;

let server: DevServer;
let proxy: Awaited<ReturnType<typeof startBearerProxy>>;

beforeAll(async () => {
	// The suite opens a session per scenario and never closes them: lift the per-grant cap for this run.
	server = await startDevServer({ settings: { MAX_SESSIONS_PER_GRANT: "1000" } });
	const { accessToken } = await new OAuthFlow({ origin: server.origin }).signIn({ scopes: ALL_MCP_SCOPES });
	proxy = await startBearerProxy(server.origin, accessToken);
});
afterAll(async () => {
	await proxy?.close();
	await server?.stop();
});

function report(result: ScenarioResult): string {
	return failures(result)
		.map((check) => `${check.id}: ${check.errorMessage ?? check.description ?? check.status}`)
		.join("\n");
}

describe.each(["2025-11-25", "2026-07-28"])("conformance suite, %s server requirements", (revision) => {
	it("passes every scenario that does not depend on the suite's own fixtures", { timeout: 600_000 }, async () => {
		const { results, output } = await runConformance(`${proxy.url}/mcp`, revision, 540_000);
		expect(results.length, output).toBeGreaterThan(20);
		const notApplicable = NOT_APPLICABLE[revision] ?? {};
		const unexpected: string[] = [];
		for (const result of results) {
			if (EXTENSION.test(result.scenario)) continue;
			const failed = failures(result);
			if (failed.length === 0) continue;
			if (!(result.scenario in notApplicable)) {
				unexpected.push(`${result.scenario}:\n${report(result)}`);
				continue;
			}
			const other = failed.filter(
				(check) => !FIXTURE_MISSING.test(`${check.errorMessage ?? ""} ${check.description ?? ""} ${JSON.stringify(check.details ?? {})}`),
			);
			if (other.length > 0)
				unexpected.push(`${result.scenario} (fails beyond its missing fixture):\n${report({ ...result, checks: other })}`);
		}
		expect(unexpected, unexpected.join("\n\n")).toEqual([]);
		// The list stays honest: a scenario listed as not applicable that now passes is taken off it.
		const passingButListed = results
			.filter((result) => result.scenario in notApplicable && failures(result).length === 0)
			.map((result) => result.scenario);
		expect(passingButListed).toEqual([]);
	});
});
