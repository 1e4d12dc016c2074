// The bare floor plus one rate-limit check per request, as our guard makes for every tools/call:
// under `wrangler dev` the rate-limiting binding is emulated by a Durable Object, so this shows
// what that check costs locally (scripts/bench). On Cloudflare the binding is answered in the
// location that serves the request.
export default {
	async fetch(request, env) {
		await env.LIMIT.limit({ key: "bench" });
		const message = await request.json().catch(() => ({}));
		return Response.json({ jsonrpc: "2.0", id: message.id ?? null, result: { content: [{ type: "text", text: "3" }] } });
	},
};
