/**
 * Wiring only. The Worker is its own OAuth 2.1 authorization server: /token, /register and the
 * .well-known metadata are the library's; /mcp and /sse need a valid bearer token and reach the
 * McpAgent Durable Object; everything else (/authorize, /callback, /) is the Hono app.
 */
import { providerFor } from "./oauth";

export { GitHubMcpAgent } from "./mcp/agent";

export default {
	async fetch(request, env, ctx) {
		const origin = new URL(request.url).origin;
		let provider: ReturnType<typeof providerFor>;
		try {
			provider = providerFor(origin);
		} catch {
			// The library refuses an origin it cannot bind tokens to: plain http on a host that
			// is not loopback. Say so instead of failing with a stack trace.
			return new Response("This server must be reached over https (plain http works only on localhost).\n", {
				status: 421,
				headers: { "Content-Type": "text/plain; charset=utf-8" },
			});
		}
		// A fresh env object per request. The library caches its helpers for the default handler
		// on `env.OAUTH_PROVIDER`, and the runtime hands every request of an isolate the same env
		// object: without a copy, the first origin's helpers (and its resource) would serve every
		// later origin's /authorize, which then fails with invalid_target.
		return provider.fetch(request, { ...env }, ctx);
	},
} satisfies ExportedHandler<Env>;
