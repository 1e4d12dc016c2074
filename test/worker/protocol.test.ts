/**
 * Protocol versions and message framing at the guard (src/mcp/guard/index.ts) and the 2026-07-28
 * lane's own validation (the MCP SDK v2 handler behind it): MCP-Protocol-Version on the 2025 lane,
 * JSON-RPC batches (removed in 2025-06-18, absent from 2026-07-28, kept for 2025-03-26 where
 * McpAgent serves them), and the 2026-07-28 headers (Mcp-Method, Mcp-Name, MCP-Protocol-Version)
 * and `_meta` envelope. Every refusal is a 4xx with a JSON-RPC error, never a 500.
 */
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { MAX_BATCH_MESSAGES } from "../../src/mcp/guard";
import { fromAddress } from "../support/client-address";
import { openRawLane } from "../support/mcp-lanes";
import { type JsonRpcMessage, MCP_ACCEPT, MODERN_VERSION, modernRequest, readMessages } from "../support/mcp-wire";
import { createStandInUser, mintGithubToken, standInWrites } from "../support/standin";
import { grantProps } from "../support/users";
import { issueTokens, ORIGIN, standIn } from "./harness";
import { workerSend } from "./worker-send";

const send = fromAddress(workerSend());
const STACK_TRACE = /\bat .+\.(?:ts|js|mjs):\d+|TypeError|SyntaxError|ZodError/;

async function signedIn(scopes?: readonly string[]) {
	const user = await createStandInUser(standIn().baseUrl, { orgs: ["octo-org"] });
	const githubToken = await mintGithubToken(standIn().baseUrl, user.login);
	return { githubToken, ...(await issueTokens(grantProps(user, { accessToken: githubToken, scopes: ["repo"] }), scopes)) };
}

const call = (id: number, name = "add", args: Record<string, unknown> = { a: 1, b: 2 }) => ({
	jsonrpc: "2.0",
	id,
	method: "tools/call",
	params: { name, arguments: args },
});
const list = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/list" });

describe("MCP-Protocol-Version on the 2025 lane", () => {
	it.each([
		["a date before any revision", -32600, "1999-01-01"],
		["a date between revisions", -32600, "2025-06-19"],
		["a date without leading zeros", -32600, "2025-6-18"],
		["a revision with a suffix", -32600, "2025-06-18x"],
		["an empty value", -32600, ""],
		// Values that sort after 2026-07-28 are modern revisions to the SDK's classifier: the
		// 2026-07-28 lane refuses them for the missing envelope.
		["a word", -32602, "latest"],
		["1000 characters", -32602, "2".repeat(1000)],
		["the 2026-07-28 revision, without the envelope", -32602, MODERN_VERSION],
	] as const)("an unsupported version (%s) gets 400 (%i)", async (_what, code, version) => {
		const { accessToken } = await signedIn();
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: accessToken });
		const reply = await lane.post(JSON.stringify(list(3)), { headers: { "MCP-Protocol-Version": version } });
		expect(reply.status).toBe(400);
		expect(reply.message?.error?.code).toBe(code);
		// The guard's own refusal quotes at most 40 characters of what it was sent.
		if (code === -32600) expect(reply.body.length).toBeLessThan(400);
		await lane.close();
	});

	it.each(SUPPORTED_PROTOCOL_VERSIONS)("the supported version %s is served", async (version) => {
		const { accessToken } = await signedIn();
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: accessToken, version });
		const reply = await lane.post(JSON.stringify(call(4)), { id: 4 });
		expect(reply.message?.result?.content).toEqual([{ type: "text", text: "3" }]);
		await lane.close();
	});
});

describe("JSON-RPC batches", () => {
	const BATCHES: [what: string, batch: unknown[]][] = [
		["one request", [list(11)]],
		["two requests", [call(12), list(13)]],
		[
			"a request and a notification",
			[call(14), { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: 1, progress: 1 } }],
		],
		["notifications only", [{ jsonrpc: "2.0", method: "notifications/initialized" }]],
		["a nested batch", [[list(15)]]],
	];
	const REMOVED = SUPPORTED_PROTOCOL_VERSIONS.filter((version) => version >= "2025-06-18");
	const rows = REMOVED.flatMap((version) => BATCHES.map(([what, batch]) => [version, what, batch] as const));

	it.each(rows)("under %s, a batch of %s is refused: 400 -32600, nothing run", async (version, _what, batch) => {
		const { accessToken } = await signedIn();
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: accessToken, version });
		const reply = await lane.post(JSON.stringify(batch));
		expect(reply.status).toBe(400);
		expect(reply.message?.error?.code).toBe(-32600);
		expect(reply.message?.error?.message).toMatch(/batches are not supported|batch contains an invalid message/);
		await lane.close();
	});

	it.each([
		["2025-03-26", "2025-03-26"],
		["2024-11-05", "2024-11-05"],
		["2025-03-26, sending no version header (the spec's default)", null],
	] as const)("under %s, McpAgent serves a batch: each request answered", async (version, header) => {
		const { accessToken } = await signedIn();
		const negotiated = version.slice(0, 10);
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: accessToken, version: negotiated });
		const reply = await lane.post(
			JSON.stringify([call(21), list(22)]),
			header === null ? { headers: { "MCP-Protocol-Version": undefined } } : {},
		);
		expect(reply.status).toBe(200);
		const messages: JsonRpcMessage[] = await readMessages(new Response(reply.body, { headers: reply.headers }));
		expect(messages.find((message) => message.id === 21)?.result?.content).toEqual([{ type: "text", text: "3" }]);
		expect(messages.find((message) => message.id === 22)?.result?.tools).toBeDefined();
		await lane.close();
	});

	it(`under 2025-03-26, a batch holds at most ${MAX_BATCH_MESSAGES} messages: one more gets 400, nothing run`, async () => {
		const { accessToken } = await signedIn();
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: accessToken, version: "2025-03-26" });
		const lists = (count: number) => JSON.stringify(Array.from({ length: count }, (_, i) => list(100 + i)));
		const full = await lane.post(lists(MAX_BATCH_MESSAGES));
		expect(full.status).toBe(200);
		expect(await readMessages(new Response(full.body, { headers: full.headers }))).toHaveLength(MAX_BATCH_MESSAGES);
		const over = await lane.post(lists(MAX_BATCH_MESSAGES + 1));
		expect(over.status).toBe(400);
		expect(over.message?.error).toEqual({ code: -32600, message: `A JSON-RPC batch may hold at most ${MAX_BATCH_MESSAGES} messages.` });
		await lane.close();
	});

	it("under 2025-03-26, every call in a batch is checked against the token's scopes: 403, nothing run", async () => {
		const { accessToken, githubToken } = await signedIn(["github:read"]);
		const lane = await openRawLane("legacy-mcp", { send, origin: ORIGIN, token: accessToken, version: "2025-03-26" });
		const batch = [call(31), call(32, "create_issue", { owner: "octocat", repo: "repo-a-0", title: "batched" })];
		const reply = await lane.post(JSON.stringify(batch));
		expect(reply.status).toBe(403);
		expect(reply.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
		expect(await standInWrites(standIn().baseUrl, githubToken)).toEqual([]);
		await lane.close();
	});

	it.each([
		["an empty batch", "[]"],
		["a batch of 2026-07-28 requests", `[${modernRequest("tools/list").body}]`],
		["a batch mixing eras", `[${JSON.stringify(list(1))},${modernRequest("tools/list", {}, { id: 2 }).body}]`],
	])("on the 2026-07-28 lane, %s is refused: 400 -32600", async (_what, body) => {
		const { accessToken } = await signedIn();
		const lane = await openRawLane("modern", { send, origin: ORIGIN, token: accessToken });
		const reply = await lane.post(body, { headers: { "Mcp-Method": "tools/list" } });
		expect(reply.status).toBe(400);
		expect(reply.message?.error?.code).toBe(-32600);
		await lane.close();
	});

	it("on the SSE transport, a batch is refused: 400 -32600", async () => {
		const { accessToken } = await signedIn();
		const lane = await openRawLane("legacy-sse", { send, origin: ORIGIN, token: accessToken });
		const reply = await lane.post(JSON.stringify([call(41), list(42)]));
		expect(reply.status).toBe(400);
		expect(reply.message?.error?.code).toBe(-32600);
		await lane.close();
	});
});

/** A 2026-07-28 request whose headers or envelope a test changes. */
function modern(
	method: string,
	params: Record<string, unknown>,
	change: { headers?: Record<string, string | undefined>; envelope?: (meta: Record<string, unknown>) => void; stripMeta?: boolean } = {},
) {
	const request = modernRequest(method, params, { id: 1, ...(change.headers ? { headers: change.headers } : {}) });
	const body = JSON.parse(request.body) as { params: { _meta?: Record<string, unknown> } };
	if (change.stripMeta) delete body.params._meta;
	if (change.envelope && body.params._meta) change.envelope(body.params._meta);
	return { body: JSON.stringify(body), headers: request.headers };
}

const ADD = { name: "add", arguments: { a: 1, b: 2 } };
const VERSION_KEY = "io.modelcontextprotocol/protocolVersion";

describe("the 2026-07-28 headers and envelope", () => {
	const CASES: [what: string, request: { body: string; headers: Record<string, string> }, status: number, code: number | null][] = [
		// Mcp-Method must name the body's method.
		["Mcp-Method naming another method", modern("tools/list", {}, { headers: { "Mcp-Method": "tools/call" } }), 400, -32020],
		["Mcp-Method in capitals", modern("tools/list", {}, { headers: { "Mcp-Method": "TOOLS/LIST" } }), 400, -32020],
		["Mcp-Method empty", modern("tools/list", {}, { headers: { "Mcp-Method": "" } }), 400, -32020],
		["Mcp-Method missing", modern("tools/list", {}, { headers: { "Mcp-Method": undefined } }), 400, -32020],
		[
			"Mcp-Method with surrounding whitespace (stripped, as HTTP does)",
			modern("tools/list", {}, { headers: { "Mcp-Method": " tools/list " } }),
			200,
			null,
		],
		// Mcp-Name must name the body's tool (or resource).
		["Mcp-Name naming another tool", modern("tools/call", ADD, { headers: { "Mcp-Name": "whoami" } }), 400, -32020],
		["Mcp-Name naming a write tool", modern("tools/call", ADD, { headers: { "Mcp-Name": "create_issue" } }), 400, -32020],
		["Mcp-Name in capitals", modern("tools/call", ADD, { headers: { "Mcp-Name": "ADD" } }), 400, -32020],
		["Mcp-Name missing", modern("tools/call", ADD, { headers: { "Mcp-Name": undefined } }), 400, -32020],
		["Mcp-Name in a broken base64 envelope", modern("tools/call", ADD, { headers: { "Mcp-Name": "=?base64?!!!?=" } }), 400, -32020],
		[
			"Mcp-Name base64-encoding another tool",
			modern("tools/call", ADD, { headers: { "Mcp-Name": `=?base64?${btoa("whoami")}?=` } }),
			400,
			-32020,
		],
		["Mcp-Name correctly base64-encoded", modern("tools/call", ADD, { headers: { "Mcp-Name": `=?base64?${btoa("add")}?=` } }), 200, null],
		[
			"Mcp-Name naming another resource",
			modern("resources/read", { uri: "counter://session" }, { headers: { "Mcp-Name": "github://repos/octocat/repo-a-0/issues/1" } }),
			400,
			-32020,
		],
		// MCP-Protocol-Version and the envelope must agree, and name 2026-07-28.
		["no MCP-Protocol-Version header", modern("tools/list", {}, { headers: { "MCP-Protocol-Version": undefined } }), 400, -32020],
		["a modern header without the _meta envelope", modern("tools/list", {}, { stripMeta: true }), 400, -32602],
		[
			"a modern header without the envelope's version",
			modern("tools/list", {}, { envelope: (meta) => delete meta[VERSION_KEY] }),
			400,
			-32602,
		],
		[
			"an envelope without client capabilities",
			modern("tools/list", {}, { envelope: (meta) => delete meta["io.modelcontextprotocol/clientCapabilities"] }),
			400,
			-32602,
		],
		[
			"an unknown version in header and envelope",
			modern(
				"tools/list",
				{},
				{ headers: { "MCP-Protocol-Version": "2099-01-01" }, envelope: (meta) => (meta[VERSION_KEY] = "2099-01-01") },
			),
			400,
			-32022,
		],
		[
			"a version one day off",
			modern(
				"tools/list",
				{},
				{ headers: { "MCP-Protocol-Version": "2026-07-29" }, envelope: (meta) => (meta[VERSION_KEY] = "2026-07-29") },
			),
			400,
			-32022,
		],
		[
			"an unknown version in the envelope only",
			modern("tools/list", {}, { envelope: (meta) => (meta[VERSION_KEY] = "2099-01-01") }),
			400,
			-32020,
		],
		["an unknown version in the header only", modern("tools/list", {}, { headers: { "MCP-Protocol-Version": "2099-01-01" } }), 400, -32020],
		[
			"a 2025 revision in the envelope",
			modern(
				"tools/list",
				{},
				{ headers: { "MCP-Protocol-Version": "2025-06-18" }, envelope: (meta) => (meta[VERSION_KEY] = "2025-06-18") },
			),
			400,
			-32022,
		],
		["the envelope's version as a number", modern("tools/list", {}, { envelope: (meta) => (meta[VERSION_KEY] = 20260728) }), 400, -32602],
		["the envelope's version as null", modern("tools/list", {}, { envelope: (meta) => (meta[VERSION_KEY] = null) }), 400, -32602],
		[
			"the envelope's version as a list",
			modern("tools/list", {}, { envelope: (meta) => (meta[VERSION_KEY] = [MODERN_VERSION]) }),
			400,
			-32602,
		],
		["the envelope's version empty", modern("tools/list", {}, { envelope: (meta) => (meta[VERSION_KEY] = "") }), 400, -32020],
		[
			"initialize with a modern header",
			{
				body: JSON.stringify({
					jsonrpc: "2.0",
					id: 1,
					method: "initialize",
					params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "a", version: "1" } },
				}),
				headers: { "Content-Type": "application/json", Accept: MCP_ACCEPT, "MCP-Protocol-Version": MODERN_VERSION },
			},
			400,
			-32020,
		],
		["a Content-Type that is not JSON", modern("tools/list", {}, { headers: { "Content-Type": "text/plain" } }), 415, -32000],
	];

	it.each(CASES)("%s: %i (%s)", async (_what, request, status, code) => {
		const { accessToken, githubToken } = await signedIn();
		const response = await send(
			new Request(new URL("/mcp", ORIGIN), {
				method: "POST",
				headers: { ...request.headers, Authorization: `Bearer ${accessToken}` },
				body: request.body,
			}),
		);
		const text = await response.text();
		expect(response.status, text.slice(0, 300)).toBe(status);
		expect(text).not.toMatch(STACK_TRACE);
		const [message] = await readMessages(new Response(text, { headers: response.headers }));
		if (code === null) expect(message?.error).toBeUndefined();
		else expect(message?.error?.code).toBe(code);
		expect(await standInWrites(standIn().baseUrl, githubToken)).toEqual([]);
	});

	it("a write tool in the body behind a harmless Mcp-Name is judged by the body: 403 for a read-only token", async () => {
		const { accessToken, githubToken } = await signedIn(["github:read"]);
		const request = modern(
			"tools/call",
			{ name: "create_issue", arguments: { owner: "octocat", repo: "repo-a-0", title: "t" } },
			{ headers: { "Mcp-Name": "add" } },
		);
		const response = await send(
			new Request(new URL("/mcp", ORIGIN), {
				method: "POST",
				headers: { ...request.headers, Authorization: `Bearer ${accessToken}` },
				body: request.body,
			}),
		);
		expect(response.status).toBe(403);
		expect(response.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
		await response.text();
		expect(await standInWrites(standIn().baseUrl, githubToken)).toEqual([]);
	});
});
