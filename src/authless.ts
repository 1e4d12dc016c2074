/**
 * The authless variant: an MCP server without sign-in, serving only tools that need no user.
 * Its own Worker: `npm run dev:authless` locally, `npx wrangler deploy -c wrangler.authless.jsonc`
 * to deploy (see README). Like the main server it refuses a Host it does not serve and browser
 * Origins it does not allow (DNS rebinding).
 */
import { ConfigError, readPublicConfig } from "./config";
import { MAX_BODY_BYTES, readBody, TOO_LARGE } from "./mcp/guard/body";
import { isAllowedHost, misdirectedHost } from "./mcp/guard/host";
import { peekMessages } from "./mcp/guard/messages";
import { isAllowedOrigin } from "./mcp/guard/origin";
import { jsonRpcError } from "./mcp/guard/responses";
import { checkSseMessage } from "./mcp/guard/sse-message";
import { PublicMcpAgent } from "./mcp/public-agent";

export { PublicMcpAgent };

const mcp = PublicMcpAgent.serve("/mcp");
const sse = PublicMcpAgent.serveSSE("/sse");

export default {
	async fetch(request, env, ctx) {
		const url = new URL(request.url);
		let config: ReturnType<typeof readPublicConfig>;
		try {
			config = readPublicConfig(env);
		} catch (error) {
			if (!(error instanceof ConfigError)) throw error;
			return new Response(`This server is not configured correctly. ${error.issues.join(" ")}\n`, { status: 500 });
		}
		if (!isAllowedHost(url.hostname, config.allowedHosts)) return misdirectedHost(url.hostname);
		const origin = request.headers.get("Origin");
		if (origin !== null && !isAllowedOrigin(origin, request.url, config.allowedOrigins)) {
			return Response.json(
				{ error: "forbidden_origin", error_description: "Requests from this web origin are not allowed." },
				{ status: 403 },
			);
		}
		if (url.pathname === "/mcp" || url.pathname.startsWith("/mcp/")) return mcp.fetch(request, env, ctx);
		if (url.pathname === "/sse" || url.pathname.startsWith("/sse/")) {
			if (request.method === "POST") {
				const body = await readBody(request.clone());
				if (body === TOO_LARGE) return jsonRpcError(413, -32600, `Request body too large. Maximum size is ${MAX_BODY_BYTES} bytes.`);
				const refused = checkSseMessage(peekMessages(body));
				if (refused) return refused;
			}
			return sse.fetch(request, env, ctx);
		}
		if (url.pathname === "/") {
			return new Response(`A public MCP demo server (no sign-in).\nStreamable HTTP: ${url.origin}/mcp\nSSE: ${url.origin}/sse\n`, {
				headers: { "Content-Type": "text/plain; charset=utf-8" },
			});
		}
		return new Response("Not found\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
	},
} satisfies ExportedHandler<Env>;
