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
