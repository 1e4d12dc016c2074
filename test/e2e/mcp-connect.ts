/** Connecting the official MCP SDK client the way an MCP host does, including the OAuth detour. */
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CallToolResult, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { HeadlessOAuthProvider } from "./headless-oauth";

export type TransportKind = "streamable-http" | "sse";

export function createTransport(origin: string, kind: TransportKind, provider: HeadlessOAuthProvider) {
	return kind === "streamable-http"
		? new StreamableHTTPClientTransport(new URL("/mcp", origin), { authProvider: provider })
		: new SSEClientTransport(new URL("/sse", origin), { authProvider: provider });
}

/** An elicitation answer that accepts the form as shown (its defaults). */
function acceptAsShown(params: { requestedSchema?: { properties?: Record<string, { default?: unknown }> } }) {
	const content: Record<string, string> = {};
	for (const [name, property] of Object.entries(params.requestedSchema?.properties ?? {}))
		if (typeof property.default === "string") content[name] = property.default;
	return { action: "accept" as const, content };
}

/**
 * Connect, get sent to authorize (the headless browser approves), finish with the code, reconnect.
 * The client declares elicitation and accepts every confirmation form as shown.
 */
export async function connectWithOAuth(origin: string, kind: TransportKind, provider = new HeadlessOAuthProvider()): Promise<Client> {
	const transport = createTransport(origin, kind, provider);
	try {
		await new Client({ name: "e2e", version: "1.0.0" }).connect(transport);
		throw new Error("the server accepted a client without a token");
	} catch (error) {
		if (!(error instanceof UnauthorizedError)) throw error;
	}
	if (!provider.authorizationCode) throw new Error(`no authorization code (error: ${provider.authorizationError})`);
	await transport.finishAuth(provider.authorizationCode);
	const client = new Client({ name: "e2e", version: "1.0.0" }, { capabilities: { elicitation: { form: {} } } });
	client.setRequestHandler(ElicitRequestSchema, async (request) => acceptAsShown(request.params as Parameters<typeof acceptAsShown>[0]));
	await client.connect(createTransport(origin, kind, provider));
	return client;
}

export function resultText(result: unknown): string {
	return ((result as CallToolResult).content ?? []).map((part) => (part.type === "text" ? part.text : "")).join("\n");
}
