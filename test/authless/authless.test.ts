/** The authless variant (wrangler.authless.jsonc): MCP without sign-in, only the tools that need no user. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { TOOLS } from "../../src/mcp/registry";
import { openRawLane } from "../support/mcp-lanes";
import { discard, initializeBody, MCP_ACCEPT } from "../support/mcp-wire";
import { AUTHLESS_ORIGIN, authlessSend } from "./authless-send";

const send = authlessSend();

async function connect(): Promise<Client> {
	const client = new Client({ name: "authless-test", version: "1.0.0" });
	await client.connect(
		new StreamableHTTPClientTransport(new URL("/mcp", AUTHLESS_ORIGIN), { fetch: (input, init) => send(new Request(input, init)) }),
	);
	return client;
}

describe("the authless server", () => {
	it("serves MCP without a token, with only the tools that need no user", async () => {
		const client = await connect();
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual(
			TOOLS.filter((tool) => tool.scope === null && !tool.restricted)
				.map((tool) => tool.name)
				.sort(),
		);
		expect((await client.callTool({ name: "add", arguments: { a: 2, b: 3 } })).content).toEqual([{ type: "text", text: "5" }]);
		expect((await client.callTool({ name: "add_to_counter", arguments: { amount: 7 } })).structuredContent).toEqual({ counter: 7 });
		expect((await client.readResource({ uri: "counter://session" })).contents[0]).toMatchObject({ text: "7" });
		await client.close();
	});

	it("has no GitHub tools, and no OAuth endpoints", async () => {
		const client = await connect();
		await expect(client.callTool({ name: "whoami", arguments: {} })).resolves.toMatchObject({ isError: true });
		await client.close();
		for (const path of ["/authorize", "/token", "/register", "/.well-known/oauth-authorization-server", "/callback"]) {
			const response = await send(new Request(new URL(path, AUTHLESS_ORIGIN)));
			expect(response.status, path).toBe(404);
			await discard(response);
		}
	});
});

describe("browser Origins on the authless server", () => {
	it.each([
		[undefined, 200],
		[AUTHLESS_ORIGIN, 200],
		["http://localhost:6274", 200],
		["https://app.example.com", 200],
		["https://evil.example", 403],
		["null", 403],
		["https://public.example.com.evil.example", 403],
		["http://public.example.com", 403],
		["https://app.example.com:444", 403],
	] as const)("an initialize from %s: %i", async (origin, status) => {
		const originSend = authlessSend({ ALLOWED_ORIGINS: "https://app.example.com" });
		const response = await originSend(
			new Request(new URL("/mcp", AUTHLESS_ORIGIN), {
				method: "POST",
				headers: { "Content-Type": "application/json", Accept: MCP_ACCEPT, ...(origin ? { Origin: origin } : {}) },
				body: initializeBody(),
			}),
		);
		expect(response.status).toBe(status);
		if (status === 403) expect(await response.json()).toMatchObject({ error: "forbidden_origin" });
		else await discard(response);
	});

	it("applies to the SSE stream and its messages too", async () => {
		const refused = await send(
			new Request(new URL("/sse", AUTHLESS_ORIGIN), { headers: { Accept: "text/event-stream", Origin: "https://evil.example" } }),
		);
		expect(refused.status).toBe(403);
		const lane = await openRawLane("legacy-sse", { send, origin: AUTHLESS_ORIGIN, token: "unused" });
		const post = await lane.request("tools/list", {}, { headers: { Origin: "https://evil.example" } });
		expect(post.status).toBe(403);
		await lane.close();
	});
});

// Regression: as on the main server, McpAgent's SSE transport threw on a posted body that was not
// one JSON-RPC message (SyntaxError, or a ZodError its RPC could not return): a 500.
describe("regression: a body that is not one JSON-RPC message, posted to an SSE session, crashed the authless Worker (500)", () => {
	it.each([
		["malformed JSON", "{not json", -32700],
		["an empty body", "", -32700],
		["a JSON object that is not JSON-RPC", '{"hello":1}', -32600],
		["a batch", "[]", -32600],
		["JSON null", "null", -32600],
	] as const)("%s: 400 (%i), and the session keeps serving", async (_what, body, code) => {
		const lane = await openRawLane("legacy-sse", { send, origin: AUTHLESS_ORIGIN, token: "unused" });
		const reply = await lane.post(body);
		expect(reply.status).toBe(400);
		expect(JSON.parse(reply.body)).toMatchObject({ jsonrpc: "2.0", error: { code } });
		const after = await lane.request("tools/call", { name: "add", arguments: { a: 2, b: 2 } });
		expect(after.message?.result?.content).toEqual([{ type: "text", text: "4" }]);
		await lane.close();
	});

	it("malformed JSON on /mcp: 400 parse error", async () => {
		const response = await send(
			new Request(new URL("/mcp", AUTHLESS_ORIGIN), {
				method: "POST",
				headers: { "Content-Type": "application/json", Accept: MCP_ACCEPT },
				body: "{not json",
			}),
		);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: { code: -32700 } });
	});
});
