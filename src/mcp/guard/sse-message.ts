/**
 * What may be posted to an HTTP+SSE session (2024-11-05 transport): one JSON-RPC message. McpAgent's
 * SSE transport parses the body itself without catching, so anything else would be an uncaught
 * exception (a 500): malformed JSON throws a SyntaxError, and a value that is no JSON-RPC message a
 * ZodError the session's RPC cannot even return. Both Workers answer those here instead.
 */
import type { PeekedBody } from "./messages";
import { isJsonRpcMessage } from "./messages";
import { jsonRpcError } from "./responses";

export function checkSseMessage(peeked: PeekedBody): Response | null {
	if (peeked.parsed === undefined) return jsonRpcError(400, -32700, "Parse error: the body is not valid JSON.");
	if (peeked.batch)
		return jsonRpcError(400, -32600, "JSON-RPC batches are not supported on the SSE transport: send one message per request.");
	if (!isJsonRpcMessage(peeked.parsed)) return jsonRpcError(400, -32600, "Invalid Request: the body is not a JSON-RPC message.");
	return null;
}
