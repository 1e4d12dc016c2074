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
import { failures, runConformance, type ScenarioResult, startBearerProxy } from "./conformance";

/** A failure that names one of the suite's fixtures (or says the scenario has nothing to test here). */
const FIXTURE_MISSING =
	/\b(test_[a-z0-9_]+|json_schema_2020_12_tool|test:\/\/[^\s]+)\b.*not found|not found.*\b(test_[a-z0-9_]+|test:\/\/)|Not testable|Prerequisite failed|did not request (elicitation|sampling)|No (image|audio|resource|progress)[a-z ]* (content )?(found|received)|Expected multiple content items|Tool [a-z_0-9]+ not found|routing-task fixture|No log notifications received|Expected InputRequiredResult with inputRequests and requestState/i;

/** Scenarios that need the suite's fixtures, by revision, and why they do not apply. */
export const NOT_APPLICABLE: Record<string, Record<string, string>> = {
	"2025-11-25": {
		"completion-complete": "completes the suite's prompt test_prompt_with_arguments (this server completes its own prompt's arguments)",
		"tools-call-image": "calls the fixture tool test_image_content",
		"tools-call-audio": "calls the fixture tool test_audio_content",
		"tools-call-embedded-resource": "calls the fixture tool test_embedded_resource",
		"tools-call-mixed-content": "calls the fixture tool test_multiple_content_types",
		"tools-call-with-logging": "calls the fixture tool test_tool_with_logging",
		"tools-call-with-progress": "calls the fixture tool test_tool_with_progress",
		"tools-call-sampling": "calls the fixture tool test_sampling (this server never samples)",
		"tools-call-elicitation": "calls the fixture tool test_elicitation (this server elicits only to confirm writes)",
		"elicitation-sep1034-defaults": "calls the fixture tool test_elicitation_sep1034_defaults",
		"elicitation-sep1330-enums": "calls the fixture tool test_elicitation_sep1330_enums",
		"resources-read-text": "reads the fixture resource test://static-text",
		"resources-read-binary": "reads the fixture resource test://static-binary",
		"resources-templates-read": "reads the fixture template test://template/{id}/data",
		"resources-subscribe": "subscribes to the fixture resource test://watched-resource (this server refuses unknown URIs)",
		"resources-unsubscribe": "subscribes to the fixture resource test://watched-resource first",
		"prompts-get-simple": "gets the fixture prompt test_simple_prompt",
		"prompts-get-with-args": "gets the fixture prompt test_prompt_with_arguments",
		"prompts-get-embedded-resource": "gets the fixture prompt test_prompt_with_embedded_resource",
		"prompts-get-with-image": "gets the fixture prompt test_prompt_with_image",
		"json-schema-2020-12": "lists the fixture tool json_schema_2020_12_tool (pending, not scored)",
		"server-sse-polling": "calls the fixture tool test_reconnection, which closes its stream mid-call",
	},
	"2026-07-28": {
		"completion-complete": "completes the suite's prompt test_prompt_with_arguments (this server completes its own prompt's arguments)",
		"tools-call-simple-text": "calls the fixture tool test_simple_text",
		"tools-call-image": "calls the fixture tool test_image_content",
		"tools-call-audio": "calls the fixture tool test_audio_content",
		"tools-call-embedded-resource": "calls the fixture tool test_embedded_resource",
		"tools-call-mixed-content": "calls the fixture tool test_multiple_content_types",
		"tools-call-error": "calls the fixture tool test_error_handling",
		"tools-call-with-progress": "calls the fixture tool test_tool_with_progress",
		"resources-read-text": "reads the fixture resource test://static-text",
		"resources-read-binary": "reads the fixture resource test://static-binary",
		"resources-templates-read": "reads the fixture template test://template/{id}/data",
		"prompts-get-simple": "gets the fixture prompt test_simple_prompt",
		"prompts-get-with-args": "gets the fixture prompt test_prompt_with_arguments",
		"prompts-get-embedded-resource": "gets the fixture prompt test_prompt_with_embedded_resource",
		"prompts-get-with-image": "gets the fixture prompt test_prompt_with_image",
		"server-stateless":
			"three of its checks need the fixture tools test_missing_capability and test_streaming_elicitation (the rest must pass)",
		"input-required-result-basic-elicitation": "calls the fixture tool test_input_required_result_elicitation",
		"input-required-result-basic-sampling": "calls the fixture tool test_input_required_result_sampling",
		"input-required-result-basic-list-roots": "calls the fixture tool test_input_required_result_list_roots",
		"input-required-result-request-state": "calls the fixture tool test_input_required_result_request_state",
		"input-required-result-multiple-input-requests": "calls the fixture tool test_input_required_result_multiple_inputs",
		"input-required-result-multi-round": "calls the fixture tool test_input_required_result_multi_round",
		"input-required-result-non-tool-request": "gets the fixture prompt test_input_required_result_prompt",
		"input-required-result-result-type": "calls the fixture tool test_input_required_result_elicitation",
		"input-required-result-tampered-state": "needs a requestState from the fixture tool test_input_required_result_request_state",
		"input-required-result-capability-check": "calls the fixture tool test_input_required_result_capabilities",
		"json-schema-2020-12": "lists the fixture tool json_schema_2020_12_tool (pending, not scored)",
		"http-custom-header-server-validation": "needs a tool with x-mcp-header annotations (pending, not scored)",
	},
};

/** Extensions (not scored for either revision): the Tasks extension, which this server does not offer. */
const EXTENSION = /^tasks-/;

let server: DevServer;
let proxy: Awaited<ReturnType<typeof startBearerProxy>>;

beforeAll(async () => {
	// The suite opens a session per scenario and never closes them: lift the per-grant cap for this run.
	server = await startDevServer({ vars: { MAX_SESSIONS_PER_GRANT: "1000" } });
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
