/**
 * The load run's MCP clients: the official SDKs as users run them, one per session.
 *
 * - `streamable-http`: MCP SDK v1 client, MCP 2025-11-25 over Streamable HTTP on /mcp (McpAgent
 *   lane). After a restart it keeps its Mcp-Session-Id, as the SDK does.
 * - `sse`: MCP SDK v1 client over HTTP+SSE on /sse (McpAgent lane). When its stream breaks it
 *   reconnects to its own session (GET /sse?sessionId=<its id>) without initializing again, the
 *   way the SDK reconnects a Streamable HTTP session. (The SDK's EventSource alone would reconnect
 *   to /sse and get a new, empty session.)
 * - `stateless`: MCP client 2.x pinned to 2026-07-28 on /mcp (stateless lane), nothing to reconnect.
 *
 * Each client accepts every confirmation form as shown (elicitation), so writes are confirmed.
 */
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { COUNTER_URI } from "../../src/mcp/resources/counter";
import type { Lane } from "./tally";
import type { WireState } from "./wire";

export interface ToolAnswer {
	isError?: boolean;
	content?: unknown;
	structuredContent?: Record<string, unknown>;
}

export interface McpSession {
	readonly lane: Lane;
	callTool(name: string, args: Record<string, unknown>, timeoutMs: number): Promise<ToolAnswer>;
	readCounter(timeoutMs: number): Promise<number>;
	/** Whether the session's connection is known to be broken (an SSE stream that ended). */
	broken(): boolean;
	/** Reconnects a broken connection to the same session. */
	recover(): Promise<void>;
	close(): Promise<void>;
}

export interface SessionOptions {
	origin: string;
	token: string;
	fetch: typeof fetch;
	wire: WireState;
}

type Answer = { action: "accept"; content: Record<string, string> };
/** The user accepts the confirmation form as shown (the proposed title and body, unchanged). */
function acceptAsShown(params: { requestedSchema?: unknown }): Answer {
	const properties = (params.requestedSchema as { properties?: Record<string, { default?: unknown }> } | undefined)?.properties ?? {};
	const content: Record<string, string> = {};
	for (const [name, property] of Object.entries(properties)) if (typeof property.default === "string") content[name] = property.default;
	return { action: "accept", content };
}

const CLIENT_INFO = { name: "load-run", version: "1.0.0" };
/** Opening a connection (and initialize) gets this long. */
export const CONNECT_TIMEOUT_MS = 20_000;

/** `promise`, or an error after `ms`: nothing in the run may wait forever. */
export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function counterValue(contents: readonly unknown[]): number {
	const first = contents[0] as { text?: unknown } | undefined;
	const value = Number(first?.text);
	if (!Number.isFinite(value)) throw new Error(`the counter resource is not a number: ${JSON.stringify(first).slice(0, 100)}`);
	return value;
}

function legacyClient(): LegacyClient {
	const client = new LegacyClient(CLIENT_INFO, { capabilities: { elicitation: { form: {} } } });
	client.setRequestHandler(ElicitRequestSchema, async (request) => acceptAsShown(request.params as { requestedSchema?: unknown }));
	return client;
}

export async function streamableSession(options: SessionOptions): Promise<McpSession> {
	const client = legacyClient();
	const transport = new LegacyTransport(new URL("/mcp", options.origin), {
		requestInit: { headers: { Authorization: `Bearer ${options.token}` } },
		fetch: options.fetch,
	});
	await bounded(client.connect(transport, { timeout: CONNECT_TIMEOUT_MS }), CONNECT_TIMEOUT_MS, "Streamable HTTP connect");
	return {
		lane: "streamable-http",
		callTool: async (name, args, timeout) =>
			(await bounded(client.callTool({ name, arguments: args }, undefined, { timeout }), timeout + 5_000, name)) as ToolAnswer,
		readCounter: async (timeout) =>
			counterValue((await bounded(client.readResource({ uri: COUNTER_URI }, { timeout }), timeout + 5_000, "read counter")).contents),
		broken: () => false,
		recover: async () => {},
		close: () => bounded(client.close(), 5_000, "close"),
	};
}

export async function sseSession(options: SessionOptions): Promise<McpSession> {
	const client = legacyClient();
	let broken = false;
	const connect = async (url: URL, sessionId?: string) => {
		const transport = new SSEClientTransport(url, {
			requestInit: { headers: { Authorization: `Bearer ${options.token}` } },
			fetch: options.fetch,
		});
		// A transport that carries its session id is a reconnect: connect() does not initialize again.
		if (sessionId) Object.assign(transport, { sessionId });
		try {
			await bounded(client.connect(transport, { timeout: CONNECT_TIMEOUT_MS }), CONNECT_TIMEOUT_MS, "SSE connect");
		} catch (error) {
			// Without this its EventSource would go on reconnecting by itself, and take the session's
			// one SSE stream (McpAgent keeps the first) from the next attempt.
			await transport.close().catch(() => {});
			throw error;
		}
		// The stream ended (the server restarted): close at once, before the EventSource reconnects
		// by itself to the URL it was opened with; the next call reconnects to this session.
		transport.onerror = () => {
			broken = true;
			void transport.close();
		};
	};
	await connect(new URL("/sse", options.origin));
	const sessionId = options.wire.sseSessionId;
	if (!sessionId) throw new Error("the SSE client posted to no session");
	return {
		lane: "sse",
		callTool: async (name, args, timeout) =>
			(await bounded(client.callTool({ name, arguments: args }, undefined, { timeout }), timeout + 5_000, name)) as ToolAnswer,
		readCounter: async (timeout) =>
			counterValue((await bounded(client.readResource({ uri: COUNTER_URI }, { timeout }), timeout + 5_000, "read counter")).contents),
		broken: () => broken || client.transport === undefined,
		recover: async () => {
			await bounded(client.close(), 5_000, "close").catch(() => {});
			const url = new URL("/sse", options.origin);
			url.searchParams.set("sessionId", sessionId);
			await connect(url, sessionId);
			broken = false;
		},
		close: () => bounded(client.close(), 5_000, "close"),
	};
}

export async function statelessSession(options: SessionOptions): Promise<McpSession> {
	const client = new ModernClient(CLIENT_INFO, {
		versionNegotiation: { mode: { pin: "2026-07-28" } },
		capabilities: { elicitation: { form: {} } },
	});
	client.setRequestHandler("elicitation/create", async (request) => acceptAsShown(request.params as { requestedSchema?: unknown }));
	const transport = new ModernTransport(new URL("/mcp", options.origin), {
		requestInit: { headers: { Authorization: `Bearer ${options.token}` } },
		fetch: options.fetch,
	});
	await bounded(client.connect(transport, { timeout: CONNECT_TIMEOUT_MS }), CONNECT_TIMEOUT_MS, "2026-07-28 connect");
	return {
		lane: "stateless",
		callTool: async (name, args, timeout) =>
			(await bounded(client.callTool({ name, arguments: args }, { timeout }), timeout + 5_000, name)) as ToolAnswer,
		readCounter: async (timeout) =>
			counterValue((await bounded(client.readResource({ uri: COUNTER_URI }, { timeout }), timeout + 5_000, "read counter")).contents),
		broken: () => false,
		recover: async () => {},
		close: () => bounded(client.close(), 5_000, "close"),
	};
}
