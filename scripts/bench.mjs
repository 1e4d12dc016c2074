// @ts-check
/**
 * `npm run bench`: measures the server against two floors, offline, on loopback, and writes
 * BENCHMARKS.md. Under `wrangler dev`, interleaved in rounds so that drift (other load, thermal)
 * hits every target alike:
 *   - ours: this Worker (OAuthProvider + guard + McpAgent), signed in through the GitHub stand-in;
 *   - floor: a bare Worker answering each JSON-RPC POST at once (bench/floor);
 *   - floor-do: a Worker forwarding each request to a trivial Durable Object (bench/floor-do).
 * Figures: tools/call latency (p50/p90/p99) over /mcp and /sse, new-session setup, the full OAuth
 * flow, throughput at 10 and 50 concurrent sessions (with error counts), ratios to both floors,
 * bundle size (raw, gzip, minified) and start-up CPU (`wrangler check startup`).
 *
 * Timing lives here, never in the tests. Local figures under workerd are not Cloudflare's: use
 * them to compare, not as absolutes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { startGithubStandIn } from "./github-standin/index.mjs";
import { OFFLINE_ENV, PROJECT_ROOT, spawnWranglerDev, waitForHttp } from "./wrangler-dev.mjs";

const QUICK = process.argv.includes("--quick");
const CALLS = QUICK ? 60 : 300; // sequential tools/call per target
const ROUND = 20; // calls per target before switching (interleaving)
const SESSIONS = QUICK ? 3 : 10; // new-session setups measured
const FLOWS = QUICK ? 2 : 5; // full OAuth flows measured
const THROUGHPUT_SECONDS = QUICK ? 2 : 5;
const PORTS = { ours: 8891, floor: 8892, floorDo: 8893, standIn: 8894, minimal: 8895 };
const WRANGLER = join(PROJECT_ROOT, "node_modules", ".bin", "wrangler");
const ACCEPT = "application/json, text/event-stream";

// --- statistics --------------------------------------------------------------------------------

/** @param {number[]} values @param {number} p */
function percentile(values, p) {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
/** @param {number[]} values */
const summary = (values) => ({ p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), n: values.length });
/** @param {number} value */
const ms = (value) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");
/** @param {number} bytes */
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

// --- sizes and start-up ------------------------------------------------------------------------

function measureBundle() {
	/** @type {Record<string, { raw: number, gzip: number }>} */
	const sizes = {};
	for (const [name, extra] of /** @type {const} */ ([
		["as deployed", []],
		["minified", ["--minify"]],
	])) {
		const outdir = mkdtempSync(join(tmpdir(), "bench-bundle-"));
		execFileSync(WRANGLER, ["deploy", "--dry-run", "--outdir", outdir, ...extra], {
			cwd: PROJECT_ROOT,
			env: { ...process.env, ...OFFLINE_ENV },
			stdio: "ignore",
		});
		const file = join(outdir, "index.js");
		sizes[name] = { raw: statSync(file).size, gzip: gzipSync(readFileSync(file), { level: 9 }).length };
		rmSync(outdir, { recursive: true, force: true });
	}
	return /** @type {Record<"as deployed" | "minified", { raw: number, gzip: number }>} */ (sizes);
}

/** CPU time (ms) of the Worker's start-up: the profile's samples minus idle. Median of 3. */
function measureStartup() {
	const runs = [];
	for (let index = 0; index < 3; index++) {
		const outfile = join(tmpdir(), `bench-startup-${process.pid}-${index}.cpuprofile`);
		execFileSync(WRANGLER, ["check", "startup", "--outfile", outfile], {
			cwd: PROJECT_ROOT,
			env: { ...process.env, ...OFFLINE_ENV },
			stdio: "ignore",
		});
		const profile = JSON.parse(readFileSync(outfile, "utf8"));
		rmSync(outfile, { force: true });
		const idle = new Set(
			profile.nodes.filter((/** @type {any} */ node) => node.callFrame.functionName === "(idle)").map((/** @type {any} */ node) => node.id),
		);
		let busy = 0;
		profile.timeDeltas.forEach((/** @type {number} */ delta, /** @type {number} */ i) => {
			if (!idle.has(profile.samples[i])) busy += delta;
		});
		runs.push(busy / 1000);
	}
	return percentile(runs, 50);
}

// --- HTTP helpers ------------------------------------------------------------------------------

class Jar {
	/** @type {Map<string, string>} */
	cookies = new Map();
	/** @param {Response} response */
	store(response) {
		for (const line of response.headers.getSetCookie()) {
			const [pair = ""] = line.split(";");
			const index = pair.indexOf("=");
			this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
		}
	}
	header() {
		return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
	}
}

/** @param {string} page */
function hidden(page) {
	/** @type {Record<string, string>} */
	const fields = {};
	for (const match of page.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
		const name = /name="([^"]*)"/.exec(match[0])?.[1];
		const value = /value="([^"]*)"/.exec(match[0])?.[1];
		if (name && value !== undefined) fields[name] = value.replace(/&amp;/g, "&");
	}
	return fields;
}

/** The whole sign-in as a client and a user would do it; returns an MCP access token. @param {string} origin */
async function signIn(origin) {
	const redirect = "http://127.0.0.1:1/callback";
	const client = await (
		await fetch(`${origin}/register`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ client_name: "bench", redirect_uris: [redirect], token_endpoint_auth_method: "none" }),
		})
	).json();
	const verifier = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
	const challenge = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))).toString("base64url");
	const jar = new Jar();
	const authorize = `${origin}/authorize?${new URLSearchParams({ response_type: "code", client_id: client.client_id, redirect_uri: redirect, code_challenge: challenge, code_challenge_method: "S256", scope: "github:read", resource: origin })}`;
	const consent = await fetch(authorize, { redirect: "manual" });
	jar.store(consent);
	const form = new URLSearchParams({ ...hidden(await consent.text()), action: "approve" });
	const approved = await fetch(`${origin}/authorize`, {
		method: "POST",
		redirect: "manual",
		headers: { Cookie: jar.header(), "Content-Type": "application/x-www-form-urlencoded" },
		body: form,
	});
	jar.store(approved);
	const githubPage = await fetch(approved.headers.get("Location") ?? "");
	const githubForm = new URLSearchParams({ ...hidden(await githubPage.text()), login: "octocat", decision: "authorize" });
	const back = await fetch(new URL("/login/oauth/authorize", approved.headers.get("Location") ?? ""), {
		method: "POST",
		redirect: "manual",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: githubForm,
	});
	const finished = await fetch(back.headers.get("Location") ?? "", { redirect: "manual", headers: { Cookie: jar.header() } });
	const code = new URL(finished.headers.get("Location") ?? "").searchParams.get("code") ?? "";
	const tokens = await (
		await fetch(`${origin}/token`, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({
				grant_type: "authorization_code",
				client_id: client.client_id,
				code,
				code_verifier: verifier,
				redirect_uri: redirect,
				resource: origin,
			}),
		})
	).json();
	if (!tokens.access_token) throw new Error("sign-in failed");
	return /** @type {string} */ (tokens.access_token);
}

/** Sign-in on the minimal stack, whose /authorize approves at once. @param {string} origin */
async function signInMinimal(origin) {
	const redirect = "http://127.0.0.1:1/callback";
	const client = await (
		await fetch(`${origin}/register`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ client_name: "bench", redirect_uris: [redirect], token_endpoint_auth_method: "none" }),
		})
	).json();
	const verifier = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
	const challenge = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))).toString("base64url");
	const query = new URLSearchParams({
		response_type: "code",
		client_id: client.client_id,
		redirect_uri: redirect,
		code_challenge: challenge,
		code_challenge_method: "S256",
		resource: origin,
	});
	const approved = await fetch(`${origin}/authorize?${query}`, { redirect: "manual" });
	const code = new URL(approved.headers.get("Location") ?? "").searchParams.get("code") ?? "";
	const tokens = await (
		await fetch(`${origin}/token`, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({
				grant_type: "authorization_code",
				client_id: client.client_id,
				code,
				code_verifier: verifier,
				redirect_uri: redirect,
				resource: origin,
			}),
		})
	).json();
	if (!tokens.access_token) throw new Error("minimal sign-in failed");
	return /** @type {string} */ (tokens.access_token);
}

/** The first JSON-RPC message of a JSON or SSE response body. @param {Response} response */
async function rpcResult(response) {
	const text = await response.text();
	if (!response.ok) throw new Error(`HTTP ${response.status}`);
	const json = text.startsWith("{") ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? "{}");
	const message = JSON.parse(json);
	if (message.error) throw new Error(message.error.message);
	return message.result;
}

/**
 * A Streamable HTTP MCP session against `url` (a floor ignores the protocol and just answers).
 * @param {string} url @param {string | undefined} token
 */
async function openSession(url, token) {
	/** @type {Record<string, string>} */
	const auth = token ? { Authorization: `Bearer ${token}` } : {};
	const init = await fetch(url, {
		method: "POST",
		headers: { ...auth, "Content-Type": "application/json", Accept: ACCEPT },
		body: JSON.stringify({
			jsonrpc: "2.0",
			id: 0,
			method: "initialize",
			params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } },
		}),
	});
	await rpcResult(init);
	const sessionId = init.headers.get("mcp-session-id");
	/** @type {Record<string, string>} */
	const headers = {
		...auth,
		"Content-Type": "application/json",
		Accept: ACCEPT,
		"mcp-protocol-version": "2025-06-18",
		...(sessionId ? { "mcp-session-id": sessionId } : {}),
	};
	await (
		await fetch(url, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })
	).text();
	let id = 1;
	return {
		/** @param {string} method @param {unknown} params */
		call: async (method, params) =>
			rpcResult(await fetch(url, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: id++, method, params }) })),
		close: async () => {
			if (sessionId) await (await fetch(url, { method: "DELETE", headers })).text();
		},
	};
}

/** A legacy SSE session: GET /sse for the stream, POST messages to the endpoint it names. @param {string} origin @param {string} token */
async function openSseSession(origin, token) {
	const controller = new AbortController();
	const stream = await fetch(`${origin}/sse`, {
		headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" },
		signal: controller.signal,
	});
	const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (stream.body?.getReader());
	const decoder = new TextDecoder();
	let buffer = "";
	/** @type {Map<number, (value: unknown) => void>} */
	const waiting = new Map();
	let endpoint = "";
	/** @type {(value?: unknown) => void} */
	let gotEndpoint = () => {};
	const ready = new Promise((resolve) => {
		gotEndpoint = resolve;
	});
	(async () => {
		for (;;) {
			const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
			if (done) return;
			buffer += decoder.decode(value, { stream: true });
			let split = buffer.indexOf("\n\n");
			while (split >= 0) {
				const event = buffer.slice(0, split);
				buffer = buffer.slice(split + 2);
				const data = /^data: (.*)$/m.exec(event)?.[1] ?? "";
				if (/^event: endpoint/m.test(event)) {
					endpoint = new URL(data, origin).toString();
					gotEndpoint();
				} else if (data) {
					const message = JSON.parse(data);
					waiting.get(message.id)?.(message);
					waiting.delete(message.id);
				}
				split = buffer.indexOf("\n\n");
			}
		}
	})();
	await ready;
	let id = 1;
	const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
	/** @param {string} method @param {unknown} params */
	const call = async (method, params) => {
		const messageId = id++;
		const answer = new Promise((resolve) => waiting.set(messageId, resolve));
		await (
			await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: messageId, method, params }) })
		).text();
		return answer;
	};
	await call("initialize", { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: { name: "bench", version: "1" } });
	await (
		await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })
	).text();
	return { call, close: async () => controller.abort() };
}

// --- measurements ------------------------------------------------------------------------------

/** @param {() => Promise<unknown>} fn */
async function timed(fn) {
	const start = performance.now();
	await fn();
	return performance.now() - start;
}

/**
 * Sequential tools/call latency, interleaved across targets in rounds of ROUND calls.
 * @param {Record<string, { call: (method: string, params: unknown) => Promise<unknown> }>} sessions
 */
async function interleavedLatency(sessions) {
	/** @type {Record<string, number[]>} */
	const samples = Object.fromEntries(Object.keys(sessions).map((name) => [name, []]));
	const params = { name: "add", arguments: { a: 1, b: 2 } };
	for (const session of Object.values(sessions)) for (let i = 0; i < 5; i++) await session.call("tools/call", params); // warm-up
	for (let done = 0; done < CALLS; done += ROUND) {
		for (const [name, session] of Object.entries(sessions)) {
			for (let i = 0; i < ROUND; i++) samples[name]?.push(await timed(() => session.call("tools/call", params)));
		}
	}
	return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summary(values)]));
}

/**
 * Requests per second with `concurrency` sessions calling tools/call in a loop for THROUGHPUT_SECONDS.
 * @param {() => Promise<{ call: (method: string, params: unknown) => Promise<unknown>, close: () => Promise<void> }>} open
 * @param {number} concurrency
 */
async function throughput(open, concurrency) {
	const sessions = await Promise.all(Array.from({ length: concurrency }, open));
	const deadline = performance.now() + THROUGHPUT_SECONDS * 1000;
	let ok = 0;
	let errors = 0;
	const start = performance.now();
	await Promise.all(
		sessions.map(async (session) => {
			while (performance.now() < deadline) {
				try {
					await session.call("tools/call", { name: "add", arguments: { a: 1, b: 2 } });
					ok++;
				} catch {
					errors++;
				}
			}
		}),
	);
	const seconds = (performance.now() - start) / 1000;
	await Promise.all(sessions.map((session) => session.close().catch(() => {})));
	return { rps: ok / seconds, ok, errors };
}

// --- main ---------------------------------------------------------------------------------------

async function main() {
	console.log("Measuring bundle size…");
	const bundle = measureBundle();
	console.log("Measuring start-up CPU (wrangler check startup)…");
	const startup = measureStartup();

	console.log("Starting the GitHub stand-in, our server and the two floors under wrangler dev…");
	const standIn = await startGithubStandIn({ port: PORTS.standIn });
	const persist = mkdtempSync(join(tmpdir(), "bench-state-"));
	const children = [
		spawnWranglerDev({
			port: PORTS.ours,
			stdio: "pipe",
			persistTo: join(persist, "ours"),
			settings: {
				GITHUB_CLIENT_ID: standIn.clientId,
				GITHUB_CLIENT_SECRET: standIn.clientSecret,
				GITHUB_BASE_URL: standIn.baseUrl,
				GITHUB_API_URL: standIn.apiUrl,
				SESSION_SECRET: "bench-only-0123456789abcdef0123456789abcdef",
				MCP_JURISDICTION: "",
			},
		}),
		spawnWranglerDev({
			port: PORTS.floor,
			stdio: "pipe",
			persistTo: join(persist, "floor"),
			extraArgs: ["-c", "bench/floor/wrangler.jsonc"],
		}),
		spawnWranglerDev({
			port: PORTS.floorDo,
			stdio: "pipe",
			persistTo: join(persist, "floor-do"),
			extraArgs: ["-c", "bench/floor-do/wrangler.jsonc"],
		}),
		spawnWranglerDev({
			port: PORTS.minimal,
			stdio: "pipe",
			persistTo: join(persist, "minimal"),
			extraArgs: ["-c", "bench/minimal/wrangler.jsonc"],
		}),
	];
	let output = "";
	for (const child of children) {
		child.stdout?.on("data", (chunk) => {
			output += chunk;
		});
		child.stderr?.on("data", (chunk) => {
			output += chunk;
		});
	}
	const stop = async () => {
		for (const child of children) {
			try {
				if (child.pid) process.kill(-child.pid, "SIGTERM");
			} catch {
				// already gone
			}
		}
		await standIn.close();
		rmSync(persist, { recursive: true, force: true });
	};
	try {
		const ours = `http://localhost:${PORTS.ours}`;
		const floor = `http://localhost:${PORTS.floor}`;
		const floorDo = `http://localhost:${PORTS.floorDo}`;
		await waitForHttp(`${ours}/.well-known/oauth-authorization-server`, 90_000);
		await waitForHttp(floor, 90_000);
		await waitForHttp(floorDo, 90_000);
		const minimal = `http://localhost:${PORTS.minimal}`;
		await waitForHttp(`${minimal}/.well-known/oauth-authorization-server`, 90_000);

		console.log("Full OAuth flow…");
		const flows = [];
		let token = "";
		for (let i = 0; i < FLOWS; i++) {
			flows.push(
				await timed(async () => {
					token = await signIn(ours);
				}),
			);
		}

		console.log("New-session setup…");
		const setups = [];
		for (let i = 0; i < SESSIONS; i++) {
			setups.push(
				await timed(async () => {
					const session = await openSession(`${ours}/mcp`, token);
					await session.call("tools/list", {});
					await session.close();
				}),
			);
		}

		console.log(`tools/call latency (${CALLS} calls per target, interleaved)…`);
		const mcp = await openSession(`${ours}/mcp`, token);
		const sse = await openSseSession(ours, token);
		const bare = await openSession(`${floor}/mcp`, undefined);
		const viaDo = await openSession(`${floorDo}/mcp`, undefined);
		const stack = await openSession(`${minimal}/mcp`, await signInMinimal(minimal));
		const latency = await interleavedLatency({
			"ours /mcp": mcp,
			"ours /sse": sse,
			"minimal stack /mcp": stack,
			floor: bare,
			"floor-do": viaDo,
		});
		await Promise.all([mcp.close(), sse.close()]);

		console.log("Throughput at 10 and 50 concurrent sessions…");
		/** @type {Record<number, { rps: number, ok: number, errors: number }>} */
		const loadFloor = {};
		/** @type {Record<number, { rps: number, ok: number, errors: number }>} */
		const loadFloorDo = {};
		/** @type {Record<number, { rps: number, ok: number, errors: number }>} */
		const loadOurs = {};
		for (const concurrency of [10, 50]) {
			loadFloor[concurrency] = await throughput(() => openSession(`${floor}/mcp`, undefined), concurrency);
			loadFloorDo[concurrency] = await throughput(() => openSession(`${floorDo}/mcp`, undefined), concurrency);
			loadOurs[concurrency] = await throughput(() => openSession(`${ours}/mcp`, token), concurrency);
		}
		const load = { "ours /mcp": loadOurs, floor: loadFloor, "floor-do": loadFloorDo };

		const report = render({ bundle, startup, flows: summary(flows), setups: summary(setups), latency, load });
		console.log(`\n${report}`);
		if (!QUICK) {
			// The lever-by-lever notes (bench/levers.md) are kept by hand: each lever is a config change.
			writeFileSync(join(PROJECT_ROOT, "BENCHMARKS.md"), `${report}\n${readFileSync(join(PROJECT_ROOT, "bench", "levers.md"), "utf8")}`);
			console.log("Written to BENCHMARKS.md.");
		}
	} catch (error) {
		console.error(output.slice(-3000));
		throw error;
	} finally {
		await stop();
	}
}

/**
 * @param {{ bundle: ReturnType<typeof measureBundle>, startup: number, flows: ReturnType<typeof summary>, setups: ReturnType<typeof summary>,
 *   latency: Record<string, ReturnType<typeof summary>>, load: Record<string, Record<number, { rps: number, ok: number, errors: number }>> }} results
 */
function render({ bundle, startup, flows, setups, latency, load }) {
	const floor = latency.floor?.p50 ?? Number.NaN;
	const floorDo = latency["floor-do"]?.p50 ?? Number.NaN;
	const rows = Object.entries(latency).map(
		([name, s]) =>
			`| ${name} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${(s.p50 / floor).toFixed(2)}× | ${(s.p50 / floorDo).toFixed(2)}× |`,
	);
	const loadRows = Object.entries(load).map(
		([name, byConcurrency]) =>
			`| ${name} | ${byConcurrency[10]?.rps.toFixed(0)} (${byConcurrency[10]?.errors} errors) | ${byConcurrency[50]?.rps.toFixed(0)} (${byConcurrency[50]?.errors} errors) |`,
	);
	return `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}; machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Everything runs locally under \`wrangler dev\` (workerd) on loopback, offline, with the GitHub stand-in: compare the figures with each other, not with Cloudflare's edge.

## What is measured

- **ours**: this server (OAuthProvider token check, the MCP guard, McpAgent in a Durable Object), calling the \`add\` tool (no GitHub request), signed in through the stand-in.
- **minimal stack**: McpAgent + OAuthProvider on the same packages with one tool and no consent, GitHub, guard or build levers (\`bench/minimal\`): the difference from **ours /mcp** is what our extra checks (Origin, scopes, session binding, props parsing) cost per call.
- **floor**: a bare Worker that answers each JSON-RPC POST at once (\`bench/floor\`). **floor-do**: a Worker that forwards each request to a trivial Durable Object (\`bench/floor-do\`), the least an McpAgent server must do.
- Latency runs ${CALLS} sequential \`tools/call\` per target after a warm-up, interleaved in rounds of ${ROUND} so drift hits all targets alike. Ratios are p50 over the floor's p50 from the same run.

## Bundle and start-up

| bundle | raw | gzip |
| --- | --- | --- |
| as deployed (\`wrangler deploy\`) | ${kib(bundle["as deployed"].raw)} | ${kib(bundle["as deployed"].gzip)} |
| minified (\`--minify\`) | ${kib(bundle.minified.raw)} | ${kib(bundle.minified.gzip)} |

Start-up CPU (\`wrangler check startup\`, busy samples, median of 3): **${ms(startup)} ms**.

## tools/call latency (ms)

| target | p50 | p90 | p99 | ÷ floor | ÷ floor-do |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

## Sessions and sign-in (ms)

| | p50 | p90 | n |
| --- | --- | --- | --- |
| new MCP session (initialize, initialized, tools/list, delete) | ${ms(setups.p50)} | ${ms(setups.p90)} | ${setups.n} |
| full OAuth flow (register, consent, GitHub stand-in, callback, token) | ${ms(flows.p50)} | ${ms(flows.p90)} | ${flows.n} |

## Throughput (tools/call per second, ${THROUGHPUT_SECONDS} s per run)

| target | 10 sessions | 50 sessions |
| --- | --- | --- |
${loadRows.join("\n")}
`;
}

await main();
