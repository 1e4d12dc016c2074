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
