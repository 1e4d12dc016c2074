/**
 * A first look at a POST's JSON-RPC content: enough for the guard to route it, check scopes and
 * count tool calls. Malformed bodies yield no messages and are answered by the lane's transport
 * (or by the guard, for the SSE transport, which does not answer them).
 */
import { JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

export interface RpcMessage {
	method?: unknown;
	params?: unknown;
	id?: unknown;
}

export interface PeekedBody {
	/** The parsed JSON, when the body was valid JSON. */
	parsed: unknown;
	messages: RpcMessage[];
	/** A JSON-RPC batch (an array): only MCP 2025-03-26 allowed them. */
	batch: boolean;
}

/**
 * How deeply a body may nest arrays and objects. MCP messages need a handful of levels (a tool's
 * arguments, an elicitation form); past this, the SDKs' and the runtime's recursive walks
 * (JSON.stringify, structured clone between the Worker and a Durable Object) overflow the stack,
 * an uncaught RangeError, so such a body is refused before any lane sees it.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `text` nests arrays and objects deeper than `limit` (strings skipped; one pass). */
export function nestsDeeperThan(text: string, limit: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const char = text.charCodeAt(i);
		if (inString) {
			if (char === 0x5c /* \ */) i++;
			else if (char === 0x22 /* " */) inString = false;
		} else if (char === 0x22) inString = true;
		else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
			if (++depth > limit) return true;
		} else if (char === 0x7d /* } */ || char === 0x5d /* ] */) depth--;
	}
	return false;
}

export function peekMessages(body: string | null): PeekedBody {
	if (body === null) return { parsed: undefined, messages: [], batch: false };
	try {
		const parsed: unknown = JSON.parse(body);
		const list = Array.isArray(parsed) ? parsed : [parsed];
		return {
			parsed,
			messages: list.filter((item): item is RpcMessage => typeof item === "object" && item !== null),
			batch: Array.isArray(parsed),
		};
	} catch {
		return { parsed: undefined, messages: [], batch: false };
	}
}

/** The tool a tools/call message names ("" when it names none). */
export function toolName(message: RpcMessage): string {
	const params = message.params;
	if (typeof params === "object" && params !== null && "name" in params && typeof params.name === "string") return params.name;
	return "";
}

/** One JSON-RPC message as the MCP SDK (and so McpAgent's SSE transport) accepts it. */
export function isJsonRpcMessage(value: unknown): boolean {
	return JSONRPCMessageSchema.safeParse(value).success;
}
