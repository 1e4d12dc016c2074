/** The guard's answers: JSON-RPC errors on the MCP endpoints, OAuth-style JSON for the rest. */

export function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
	return Response.json(
		{ jsonrpc: "2.0", id: null, error: { code, message } },
		{ status, headers: { "Cache-Control": "no-store", ...headers } },
	);
}

export function jsonError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
	return Response.json({ error, error_description: description }, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

/** The same answer for a malformed id, another grant's id and an id that never existed: no oracle. */
export function sessionNotFound(): Response {
	return jsonRpcError(404, -32001, "Session not found");
}

/** Over a limit: 429 with Retry-After, and a JSON-RPC error a client can show. */
export function overLimit(limit: string, message: string, retryAfterSeconds: number): Response {
	return Response.json(
		{ jsonrpc: "2.0", id: null, error: { code: -32029, message, data: { limit, retryAfterSeconds } } },
		{ status: 429, headers: { "Retry-After": String(retryAfterSeconds), "Cache-Control": "no-store" } },
	);
}
