/** The authless variant (wrangler.authless.jsonc): MCP without sign-in, only the tools that need no user. */

import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import worker from "../../src/authless";

const ORIGIN = "https://public.example.com";

function callWorker(input: string | URL, init: RequestInit = {}): Promise<Response> {
	const request = new Request(new URL(input, ORIGIN), init);
	return worker.fetch(request as Parameters<typeof worker.fetch>[0], env, createExecutionContext());
}

async function connect(): Promise<Client> {
	const client = new Client({ name: "authless-test", version: "1.0.0" });
	await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", ORIGIN), { fetch: (url, init) => callWorker(url, init ?? {}) }));
	return client;
}

describe("the authless server", () => {
	it("serves MCP without a token, with only the tools that need no user", async () => {
		const client = await connect();
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual(["add", "add_to_counter"]);
		expect((await client.callTool({ name: "add", arguments: { a: 2, b: 3 } })).content).toEqual([{ type: "text", text: "5" }]);
		expect((await client.callTool({ name: "add_to_counter", arguments: { amount: 7 } })).structuredContent).toEqual({ counter: 7 });
		expect((await client.readResource({ uri: "counter://session" })).contents[0]).toMatchObject({ text: "7" });
		await client.close();
	});

	it("has no GitHub tools, and no OAuth endpoints", async () => {
		const client = await connect();
		await expect(client.callTool({ name: "whoami", arguments: {} })).resolves.toMatchObject({ isError: true });
		await client.close();
		expect((await callWorker("/authorize")).status).toBe(404);
		expect((await callWorker("/.well-known/oauth-authorization-server")).status).toBe(404);
	});

	it("refuses browser requests from other web origins", async () => {
		const response = await callWorker("/mcp", {
			method: "POST",
			headers: { Origin: "https://evil.example", "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
			body: "{}",
		});
		expect(response.status).toBe(403);
	});
});
