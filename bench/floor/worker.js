// The bare floor: a Worker that answers every JSON-RPC POST at once, as cheaply as possible.
// What our server's per-call cost is compared with (scripts/bench.mjs).
export default {
	async fetch(request) {
		const message = await request.json().catch(() => ({}));
		return Response.json({ jsonrpc: "2.0", id: message.id ?? null, result: { content: [{ type: "text", text: "3" }] } });
	},
};
