// The Durable Object floor: a Worker that forwards every request to one trivial Durable Object,
// the least any McpAgent-based server must do per call (scripts/bench.mjs).
import { DurableObject } from "cloudflare:workers";

export class Floor extends DurableObject {
	async fetch(request) {
		const message = await request.json().catch(() => ({}));
		return Response.json({ jsonrpc: "2.0", id: message.id ?? null, result: { content: [{ type: "text", text: "3" }] } });
	}
}

export default {
	async fetch(request, env) {
		const session = request.headers.get("mcp-session-id") ?? "bench";
		return env.FLOOR.get(env.FLOOR.idFromName(session)).fetch(request);
	},
};
