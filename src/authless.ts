/**
 * The authless variant: an MCP server without sign-in, serving only tools that need no user.
 * Its own Worker (`wrangler deploy --env authless`, `npm run dev:authless`); see README.
 * Browser Origins are still checked (DNS rebinding), as on the main server.
 */
import { isAllowedOrigin } from "./mcp/guard";
import { PublicMcpAgent } from "./mcp/public-agent";

export { PublicMcpAgent };

const mcp = PublicMcpAgent.serve("/mcp");
const sse = PublicMcpAgent.serveSSE("/sse");

export default {
	async fetch(request, env, ctx) {
		const url = new URL(request.url);
		const origin = request.headers.get("Origin");
		if (origin !== null && !isAllowedOrigin(origin, request.url, env)) {
			return Response.json(
				{ error: "forbidden_origin", error_description: "Requests from this web origin are not allowed." },
				{ status: 403 },
			);
		}
		if (url.pathname === "/mcp" || url.pathname.startsWith("/mcp/")) return mcp.fetch(request, env, ctx);
		if (url.pathname === "/sse" || url.pathname.startsWith("/sse/")) return sse.fetch(request, env, ctx);
		if (url.pathname === "/") {
			return new Response(`A public MCP demo server (no sign-in).\nStreamable HTTP: ${url.origin}/mcp\nSSE: ${url.origin}/sse\n`, {
				headers: { "Content-Type": "text/plain; charset=utf-8" },
			});
		}
		return new Response("Not found\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
	},
} satisfies ExportedHandler<Env>;
