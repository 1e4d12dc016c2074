// @ts-check
/**
 * What the bench measures: the servers it starts, side by side under `wrangler dev`, beside the
 * GitHub stand-in, and the clients that call them.
 *   - ours: this Worker as it ships (scripts/build/), with both MCP lanes;
 *   - minimal: McpAgent + OAuthProvider with one tool and no checks (bench/minimal);
 *   - floor: a bare Worker answering each JSON-RPC POST at once (bench/floor);
 *   - floor-do: a Worker forwarding each request to a trivial Durable Object (bench/floor-do);
 *   - floor + rate limit: the bare floor plus one rate-limit check (bench/floor-limit), what the
 *     local emulation of the rate-limiting binding adds to each of our tools/call.
 * Clients: a 2025-era session over /mcp (McpAgent), the same over /sse, 2026-07-28 requests (the
 * stateless lane, each one a self-contained POST), and a plain JSON-RPC POST for the floors.
 * Sign-in is the shared test support's OAuth client (test/support/oauth-flow.ts), the one
 * implementation of the client side of OAuth in this repository.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { initializeBody, legacyHeaders, MCP_ACCEPT, modernRequest, readResponse } from "../../test/support/mcp-wire";
import { OAuthFlow } from "../../test/support/oauth-flow";
import { createPkce } from "../../test/support/pkce";
import { buildWorker } from "../build/index.mjs";
import { startGithubStandIn } from "../github-standin/index.mjs";
import { PROJECT_ROOT, spawnWranglerDev, waitForHttp } from "../wrangler-dev.mjs";

export const PORTS = { ours: 8891, floor: 8892, floorDo: 8893, standIn: 8894, minimal: 8895, floorLimit: 8896 };
/** The GitHub read tool the bench calls, on a public repository of the stand-in's seed. */
export const GITHUB_READ = { tool: "get_repo", args: { owner: "octocat", repo: "repo-a-0" } };
export const ADD = { tool: "add", args: { a: 1, b: 2 } };
export const BENCH_DIR = join(PROJECT_ROOT, "build", "bench");
const LEGACY_VERSION = "2025-06-18";

/** @typedef {(tool: string, args: Record<string, unknown>) => Promise<unknown>} CallTool */
/** @typedef {{ call: CallTool, close: () => Promise<void> }} Client */

/**
 * wrangler.jsonc for the bench (build/bench/wrangler.json): `workerFile` instead of the build
 * command, and the limits a benchmark would trip (tool calls per user per minute, registrations
 * per minute) raised, so every call is measured with its limit check but none is refused.
 * @param {string} workerFile
 * @param {string} [name] the file's name in build/bench/
 */
export async function writeBenchConfig(workerFile, name = "wrangler.json") {
	mkdirSync(BENCH_DIR, { recursive: true });
	const { experimental_readRawConfig } = await import("wrangler");
	const { rawConfig } = experimental_readRawConfig({ config: join(PROJECT_ROOT, "wrangler.jsonc") });
	const { $schema: _schema, build: _build, ...config } = /** @type {Record<string, unknown>} */ (rawConfig);
	const ratelimits = /** @type {{ simple: { limit: number, period: number } }[]} */ (config.ratelimits ?? []);
	const file = join(BENCH_DIR, name);
	writeFileSync(
		file,
		JSON.stringify({
			...config,
			main: relative(BENCH_DIR, workerFile),
			ratelimits: ratelimits.map((limit) => ({ ...limit, simple: { ...limit.simple, limit: 1_000_000 } })),
		}),
	);
	return file;
}

/**
 * Starts the stand-in and the four servers, one after another: wrangler picks its internal ports
 * when it starts, and several starting at once on a busy machine can pick the same one. A server
 * that fails to start is given a second chance. `stop()` ends them all.
 */
export async function startTargets() {
	const built = await buildWorker({ outdir: join(BENCH_DIR, "worker") });
	const config = await writeBenchConfig(built.file);
	const standIn = await startGithubStandIn({ port: PORTS.standIn });
	const persist = mkdtempSync(join(tmpdir(), "bench-state-"));
	/** @type {import("node:child_process").ChildProcess[]} */
	const children = [];
	let output = "";
	/** @param {import("node:child_process").ChildProcess} child */
	const kill = (child) => {
		try {
			if (child.pid) process.kill(-child.pid, "SIGTERM");
		} catch {
			// already gone
		}
	};
	const stop = async () => {
		for (const child of children) kill(child);
		await standIn.close();
		rmSync(persist, { recursive: true, force: true });
	};
	/** @param {{ port: number, name: string, config: string, ready: string, vars?: Record<string, string> }} server */
	const serve = async ({ port, name, config: configFile, ready, vars = {} }) => {
		for (let attempt = 1; ; attempt++) {
			const child = spawnWranglerDev({
				port,
				settings: vars,
				stdio: "pipe",
				persistTo: join(persist, name),
				extraArgs: ["-c", configFile],
			});
			children.push(child);
			child.stdout?.on("data", (chunk) => {
				output += chunk;
			});
			child.stderr?.on("data", (chunk) => {
				output += chunk;
			});
			try {
				await waitForHttp(`http://localhost:${port}${ready}`, 90_000);
				return `http://localhost:${port}`;
			} catch (error) {
				kill(child);
				if (attempt === 2) throw new Error(`${name}: ${error instanceof Error ? error.message : error}\n${output.slice(-3000)}`);
			}
		}
	};
	try {
		const origins = {
			ours: await serve({
				port: PORTS.ours,
				name: "ours",
				config,
				ready: "/.well-known/oauth-authorization-server",
				vars: {
					GITHUB_CLIENT_ID: standIn.clientId,
					GITHUB_CLIENT_SECRET: standIn.clientSecret,
					GITHUB_BASE_URL: standIn.baseUrl,
					GITHUB_API_URL: standIn.apiUrl,
					SESSION_SECRET: "bench-only-0123456789abcdef0123456789abcdef",
					MCP_JURISDICTION: "",
					// The throughput runs hold 50 sessions of one connection at once.
					MAX_SESSIONS_PER_GRANT: "1000",
				},
			}),
			minimal: await serve({
				port: PORTS.minimal,
				name: "minimal",
				config: "bench/minimal/wrangler.jsonc",
				ready: "/.well-known/oauth-authorization-server",
			}),
			floor: await serve({ port: PORTS.floor, name: "floor", config: "bench/floor/wrangler.jsonc", ready: "/" }),
			floorDo: await serve({ port: PORTS.floorDo, name: "floor-do", config: "bench/floor-do/wrangler.jsonc", ready: "/" }),
			floorLimit: await serve({ port: PORTS.floorLimit, name: "floor-limit", config: "bench/floor-limit/wrangler.jsonc", ready: "/" }),
		};
		return { origins, stop, output: () => output };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** The whole sign-in on our server, as a user who approves: an MCP access token. @param {string} origin */
export async function signIn(origin) {
	const signedIn = await new OAuthFlow({ origin }).signIn({ login: "octocat" });
	return signedIn.accessToken;
}

/**
 * Sign-in on the minimal stack, whose /authorize approves at once: the same client, minus the
 * consent page and GitHub. @param {string} origin
 */
export async function signInMinimal(origin) {
	const flow = new OAuthFlow({ origin });
	const { client_id: clientId } = await flow.register();
	const pkce = await createPkce();
	const approved = await flow.request(flow.authorizeUrl(clientId, pkce));
	const code = new URL(approved.headers.get("Location") ?? "", origin).searchParams.get("code") ?? "";
	const tokens = await flow.exchangeCode(clientId, code, pkce.verifier);
	const body = /** @type {{ access_token?: string }} */ (await tokens.json());
	if (!body.access_token) throw new Error(`minimal sign-in failed: ${tokens.status}`);
	return body.access_token;
}

/**
 * The result of a JSON-RPC response to `id`, or an error for an HTTP error, a JSON-RPC error or
 * a tool's `isError` result. @param {Response} response @param {number} id
 */
async function resultOf(response, id) {
	if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
	const message = await readResponse(response, id);
	if (message.error) throw new Error(message.error.message);
	if (message.result?.isError) throw new Error(`tool error: ${JSON.stringify(message.result).slice(0, 200)}`);
	return message.result;
}

/**
 * Calls as JSON-RPC POSTs with these headers, one id each. @param {string} url
 * @param {Record<string, string>} headers @returns {CallTool}
 */
function postCalls(url, headers) {
	let id = 1;
	return async (tool, args) => {
		const requestId = id++;
		const body = JSON.stringify({ jsonrpc: "2.0", id: requestId, method: "tools/call", params: { name: tool, arguments: args } });
		return resultOf(await fetch(url, { method: "POST", headers, body }), requestId);
	};
}

/**
 * A 2025-era Streamable HTTP session (McpAgent lane): initialize, initialized, then calls with
 * the session id; `close()` deletes the session. @param {string} url @param {string} token
 */
export async function openLegacySession(url, token) {
	const init = await fetch(url, {
		method: "POST",
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: MCP_ACCEPT },
		body: initializeBody({ version: LEGACY_VERSION, id: 0 }),
	});
	await resultOf(init, 0);
	const headers = legacyHeaders(token, init.headers.get("mcp-session-id") ?? undefined, LEGACY_VERSION);
	await (
		await fetch(url, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })
	).text();
	/** @type {Client} */
	return {
		call: postCalls(url, headers),
		close: async () => {
			await (await fetch(url, { method: "DELETE", headers })).text();
		},
	};
}

/**
 * A legacy HTTP+SSE session (McpAgent lane on /sse): GET /sse for the stream, POST each message
 * to the endpoint it names, read the answer from the stream. @param {string} origin @param {string} token
 */
export async function openSseSession(origin, token) {
	const controller = new AbortController();
	const stream = await fetch(`${origin}/sse`, {
		headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" },
		signal: controller.signal,
	});
	if (!stream.ok || !stream.body) throw new Error(`GET /sse: HTTP ${stream.status}`);
	const reader = stream.body.getReader();
	const decoder = new TextDecoder();
	/** @type {Map<number, (message: { result?: { isError?: boolean }, error?: { message: string } }) => void>} */
	const waiting = new Map();
	/** @type {(endpoint: string) => void} */
	let gotEndpoint = () => {};
	/** @type {Promise<string>} */
	const endpointReady = new Promise((resolve) => {
		gotEndpoint = resolve;
	});
	(async () => {
		let buffer = "";
		for (;;) {
			const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
			if (done) return;
			buffer += decoder.decode(value, { stream: true });
			for (let split = buffer.indexOf("\n\n"); split >= 0; split = buffer.indexOf("\n\n")) {
				const event = buffer.slice(0, split);
				buffer = buffer.slice(split + 2);
				const data = /^data: (.*)$/m.exec(event)?.[1] ?? "";
				if (/^event: endpoint/m.test(event)) gotEndpoint(new URL(data, origin).toString());
				else if (data) {
					const message = JSON.parse(data);
					waiting.get(message.id)?.(message);
					waiting.delete(message.id);
				}
			}
		}
	})();
	const endpoint = await endpointReady;
	const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
	let id = 0;
	/** @param {string} method @param {unknown} params */
	const request = async (method, params) => {
		const messageId = id++;
		const answer = new Promise((resolve) => waiting.set(messageId, resolve));
		const posted = await fetch(endpoint, {
			method: "POST",
			headers,
			body: JSON.stringify({ jsonrpc: "2.0", id: messageId, method, params }),
		});
		await posted.text();
		if (!posted.ok) throw new Error(`POST ${endpoint}: HTTP ${posted.status}`);
		const message = /** @type {{ result?: { isError?: boolean }, error?: { message: string } }} */ (await answer);
		if (message.error) throw new Error(message.error.message);
		if (message.result?.isError) throw new Error(`tool error: ${JSON.stringify(message.result).slice(0, 200)}`);
		return message.result;
	};
	await request("initialize", { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: { name: "bench", version: "1" } });
	await (
		await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })
	).text();
	/** @type {Client} */
	return { call: (tool, args) => request("tools/call", { name: tool, arguments: args }), close: async () => controller.abort() };
}

/**
 * A 2026-07-28 client (stateless lane): every request carries its version and capabilities in
 * `_meta` and the MCP-Protocol-Version, Mcp-Method and Mcp-Name headers; no session.
 * @param {string} url @param {string} token
 */
export function modernClient(url, token) {
	let id = 1;
	/** @param {string} method @param {Record<string, unknown>} params */
	const send = async (method, params) => {
		const requestId = id++;
		const { body, headers } = modernRequest(method, params, { id: requestId });
		return resultOf(await fetch(url, { method: "POST", headers: { ...headers, Authorization: `Bearer ${token}` }, body }), requestId);
	};
	return {
		discover: () => send("server/discover", {}),
		/** @type {CallTool} */
		call: (tool, args) => send("tools/call", { name: tool, arguments: args }),
		close: async () => {},
	};
}

/**
 * A floor's client: one JSON-RPC POST per call. Each client names its own session, so the
 * Durable Object floor gives it its own object, as McpAgent gives each session one.
 * @param {string} url
 * @returns {Client}
 */
export function floorClient(url) {
	const headers = { "Content-Type": "application/json", Accept: MCP_ACCEPT, "mcp-session-id": randomUUID() };
	return {
		call: postCalls(url, headers),
		close: async () => {},
	};
}
