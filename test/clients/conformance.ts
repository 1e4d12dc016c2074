/**
 * Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against this server,
 * for one protocol revision's server requirements, and reads its per-check results.
 *
 * The suite's server scenarios connect without a token; this server requires one. A bearer proxy
 * on loopback adds a signed-in user's access token to every request and passes everything else
 * through unchanged, so what the suite sees is this server's own behaviour.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../scripts/wrangler-dev.mjs";

export interface ConformanceCheck {
	id: string;
	status: string;
	errorMessage?: string;
	description?: string;
	details?: unknown;
}

export interface ScenarioResult {
	scenario: string;
	checks: ConformanceCheck[];
}

/**
 * A loopback HTTP server that forwards to `target` with `Authorization: Bearer <token>`. Requests
 * addressed to the proxy itself go to the target's host; a request that names another Host (the
 * suite's DNS-rebinding probe) keeps it, so the server's Host check sees what an attacker sends.
 */
export async function startBearerProxy(target: string, token: string): Promise<{ url: string; close(): Promise<void> }> {
	const targetUrl = new URL(target);
	let self = "";
	const server: Server = createServer((req, res) => {
		const headers = { ...req.headers, authorization: `Bearer ${token}` };
		headers.host = req.headers.host === self ? targetUrl.host : req.headers.host;
		const upstream = request({ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers }, (response) => {
			res.writeHead(response.statusCode ?? 502, response.headers);
			response.pipe(res);
		});
		upstream.on("error", (error) => {
			if (!res.headersSent) res.writeHead(502);
			res.end(error.message);
		});
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	const port = typeof address === "object" && address ? address.port : 0;
	self = `127.0.0.1:${port}`;
	return {
		url: `http://${self}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** Runs `conformance server --requirements <revision>` and returns every scenario's checks. */
export async function runConformance(
	url: string,
	revision: string,
	timeoutMs: number,
): Promise<{ results: ScenarioResult[]; output: string }> {
	const outputDir = mkdtempSync(join(tmpdir(), `mcp-conformance-${revision}-`));
	const bin = join(PROJECT_ROOT, "node_modules", ".bin", "conformance");
	let output = "";
	const child = spawn(bin, ["server", "--url", url, "--requirements", revision, "-o", outputDir], {
		cwd: PROJECT_ROOT,
		env: { ...process.env, NO_COLOR: "1" },
		stdio: ["ignore", "pipe", "pipe"],
	});
	child.stdout.on("data", (chunk: Buffer) => {
		output += chunk.toString();
	});
	child.stderr.on("data", (chunk: Buffer) => {
		output += chunk.toString();
	});
	const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
	await new Promise<void>((resolve) => child.once("exit", () => resolve()));
	clearTimeout(timer);
	const results: ScenarioResult[] = [];
	for (const entry of readdirSync(outputDir).sort()) {
		const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T/.exec(entry);
		if (!match?.[1]) continue;
		const checks = JSON.parse(readFileSync(join(outputDir, entry, "checks.json"), "utf8")) as ConformanceCheck[];
		results.push({ scenario: match[1], checks });
	}
	return { results, output };
}

/** Checks that did not pass (warnings and info notes are the suite's own "not scored"). */
export function failures(result: ScenarioResult): ConformanceCheck[] {
	return result.checks.filter((check) => !["SUCCESS", "INFO", "SKIPPED", "WARNING"].includes(check.status));
}

/** A failure that names one of the suite's fixtures (or says the scenario has nothing to test here). */
export const FIXTURE_MISSING =
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
