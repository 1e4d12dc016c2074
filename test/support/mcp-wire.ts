/**
 * MCP on the wire, as tests send it by hand: both protocol eras on one endpoint.
 * - 2025 era (McpAgent lane): `initialize`, then requests with Mcp-Session-Id and MCP-Protocol-Version.
 * - 2026-07-28 (stateless lane): every request carries its version and capabilities in `_meta`
 *   and the MCP-Protocol-Version, Mcp-Method and Mcp-Name headers.
 */

/** Streamable HTTP clients must accept both (MCP transports §Sending Messages). */
export const MCP_ACCEPT = "application/json, text/event-stream";
export const LEGACY_VERSION = "2025-11-25";
export const MODERN_VERSION = "2026-07-28";

export interface JsonRpcMessage {
	jsonrpc: "2.0";
	id?: string | number | null;
	method?: string;
	params?: Record<string, unknown>;
	result?: Record<string, unknown> & { resultType?: string };
	error?: { code: number; message: string; data?: unknown };
}

export function initializeBody(options: { version?: string; capabilities?: Record<string, unknown>; id?: number } = {}): string {
	return JSON.stringify({
		jsonrpc: "2.0",
		id: options.id ?? 1,
		method: "initialize",
		params: {
			protocolVersion: options.version ?? "2025-06-18",
			capabilities: options.capabilities ?? {},
			clientInfo: { name: "raw-test-client", version: "1.0.0" },
		},
	});
}

/** Headers of a 2025-era POST after initialize. */
export function legacyHeaders(token: string, sessionId?: string, version = "2025-06-18"): Record<string, string> {
	return {
		Authorization: `Bearer ${token}`,
		"Content-Type": "application/json",
		Accept: MCP_ACCEPT,
		"MCP-Protocol-Version": version,
		...(sessionId ? { "Mcp-Session-Id": sessionId } : {}),
	};
}

/** The name a request carries in Mcp-Name: the tool, prompt or resource it is about. */
function nameOf(method: string, params: Record<string, unknown>): string | undefined {
	if (method === "tools/call" || method === "prompts/get") return typeof params.name === "string" ? params.name : undefined;
	if (method === "resources/read") return typeof params.uri === "string" ? params.uri : undefined;
	return undefined;
}

/**
 * A value as an Mcp-Name header carries it, as the SDK's client encodes it: plain when it is a safe
 * ASCII field value, otherwise `=?base64?<UTF-8 in base64>?=` (empty, leading or trailing
 * whitespace, anything outside 0x20–0x7E and tab, or a value that looks like that encoding).
 */
export function encodeHeaderValue(value: string): string {
	const safe = value !== "" && value === value.trim() && /^[\t\x20-\x7e]*$/.test(value) && !/^=\?base64\?.*\?=$/.test(value);
	if (safe) return value;
	const bytes = new TextEncoder().encode(value);
	return `=?base64?${btoa(String.fromCharCode(...bytes))}?=`;
}

export interface ModernRequestOptions {
	id?: string | number;
	capabilities?: Record<string, unknown>;
	version?: string;
	/** Overrides or removes (undefined) the headers derived from the body. */
	headers?: Record<string, string | undefined>;
}

/** A 2026-07-28 request: the body with its `_meta` envelope and the headers that mirror it. */
export function modernRequest(
	method: string,
	params: Record<string, unknown> = {},
	options: ModernRequestOptions = {},
): { body: string; headers: Record<string, string> } {
	const version = options.version ?? MODERN_VERSION;
	const body = {
		jsonrpc: "2.0",
		id: options.id ?? 1,
		method,
		params: {
			...params,
			_meta: {
				...((params._meta as Record<string, unknown> | undefined) ?? {}),
				"io.modelcontextprotocol/protocolVersion": version,
				"io.modelcontextprotocol/clientCapabilities": options.capabilities ?? {},
				"io.modelcontextprotocol/clientInfo": { name: "raw-test-client", version: "1.0.0" },
			},
		},
	};
	const name = nameOf(method, params);
	const headers: Record<string, string | undefined> = {
		"Content-Type": "application/json",
		Accept: MCP_ACCEPT,
		"MCP-Protocol-Version": version,
		"Mcp-Method": method,
		...(name !== undefined ? { "Mcp-Name": encodeHeaderValue(name) } : {}),
		...options.headers,
	};
	const defined = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
	return { body: JSON.stringify(body), headers: defined };
}

/** The JSON-RPC messages of a response, whether it is JSON or an SSE stream. */
export async function readMessages(response: Response): Promise<JsonRpcMessage[]> {
	const text = await response.text();
	if (!(response.headers.get("Content-Type") ?? "").includes("text/event-stream")) {
		if (text.trim() === "") return [];
		const parsed: unknown = JSON.parse(text);
		return (Array.isArray(parsed) ? parsed : [parsed]) as JsonRpcMessage[];
	}
	const messages: JsonRpcMessage[] = [];
	for (const event of text.split(/\r?\n\r?\n/)) {
		const data = event
			.split(/\r?\n/)
			.filter((line) => line.startsWith("data:"))
			.map((line) => line.slice(5).trimStart())
			.join("\n");
		if (data.trim() !== "") messages.push(JSON.parse(data) as JsonRpcMessage);
	}
	return messages;
}

/** The response to request `id` among a response's messages. */
export async function readResponse(response: Response, id: string | number = 1): Promise<JsonRpcMessage> {
	const messages = await readMessages(response);
	const found = messages.find((message) => message.id === id && (message.result !== undefined || message.error !== undefined));
	if (!found) throw new Error(`no response to request ${id} in: ${JSON.stringify(messages).slice(0, 500)}`);
	return found;
}

/** The text of a tool result (all text parts joined). */
export function resultText(result: unknown): string {
	const content = ((result as { content?: { type: string; text?: string }[] } | undefined)?.content ?? []) as {
		type: string;
		text?: string;
	}[];
	return content.map((part) => (part.type === "text" ? (part.text ?? "") : "")).join("\n");
}

/** The part of an MCP client (either SDK) that calls tools. */
interface ToolCaller {
	callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<{
		content?: unknown;
		structuredContent?: Record<string, unknown>;
		isError?: boolean;
	}>;
}

/** A tool call's outcome, whether the server answers with an isError result or a JSON-RPC error. */
export async function callOutcome(client: ToolCaller, name: string, args: Record<string, unknown> = {}) {
	try {
		const result = await client.callTool({ name, arguments: args });
		return { isError: result.isError === true, text: resultText(result), structured: result.structuredContent };
	} catch (error) {
		return { isError: true, text: error instanceof Error ? error.message : String(error), structured: undefined };
	}
}

export type CallOutcome = Awaited<ReturnType<typeof callOutcome>>;

/**
 * Ends a response the test no longer needs. An SSE stream is read up to its first event before it
 * is cancelled: cancelled sooner, the transport's own first write (McpAgent's endpoint event) fails
 * where nothing observes it, an unhandled rejection.
 */
export async function discard(response: Response): Promise<void> {
	if (!response.body) return;
	if (response.ok && (response.headers.get("Content-Type") ?? "").includes("text/event-stream")) {
		const reader = response.body.getReader();
		await Promise.race([reader.read(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
		await reader.cancel().catch(() => {});
		return;
	}
	await response.body.cancel().catch(() => {});
}
