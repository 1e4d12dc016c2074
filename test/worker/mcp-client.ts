/** The official MCP SDK client, connected to the Worker over Streamable HTTP inside workerd. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { callWorker, ORIGIN } from "./helpers";

export async function connectMcp(accessToken: string): Promise<Client> {
	const client = new Client({ name: "worker-test-client", version: "1.0.0" });
	const transport = new StreamableHTTPClientTransport(new URL("/mcp", ORIGIN), {
		fetch: (url, init) => callWorker(url, init ?? {}),
		requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
	});
	await client.connect(transport);
	return client;
}

/** The text of a tool result (all text parts joined). */
export function resultText(result: unknown): string {
	const content = (result as CallToolResult).content ?? [];
	return content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}
