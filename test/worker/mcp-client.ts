/** The official MCP SDK client, connected to the Worker over Streamable HTTP inside workerd. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CallToolResult, ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { callWorker, ORIGIN } from "./helpers";

export type ElicitHandler = (request: { message: string; requestedSchema: unknown }) => ElicitResult | Promise<ElicitResult>;

/** Connects as a client; with `elicit`, the client declares elicitation and answers with it. */
export async function connectMcp(accessToken: string, options: { elicit?: ElicitHandler } = {}): Promise<Client> {
	const client = new Client(
		{ name: "worker-test-client", version: "1.0.0" },
		{ capabilities: options.elicit ? { elicitation: { form: {} } } : {} },
	);
	if (options.elicit) {
		const handler = options.elicit;
		client.setRequestHandler(ElicitRequestSchema, async (request) =>
			handler(request.params as { message: string; requestedSchema: unknown }),
		);
	}
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

/** An elicitation answer that accepts the form as shown (with its defaults). */
export const acceptAsShown: ElicitHandler = (request) => {
	const schema = request.requestedSchema as { properties?: Record<string, { default?: unknown }> };
	const content: Record<string, string> = {};
	for (const [name, property] of Object.entries(schema.properties ?? {}))
		if (typeof property.default === "string") content[name] = property.default;
	return { action: "accept", content };
};
