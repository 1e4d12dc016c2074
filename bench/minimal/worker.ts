/**
 * Benchmark fixture (scripts/bench.mjs): the minimal McpAgent + OAuthProvider stack on the same
 * packages, with one tool and an /authorize that approves at once (no consent, no GitHub, no
 * guard). What our server's extra checks are measured against. Never deployed.
 */
import { type OAuthHelpers, OAuthProvider } from "@cloudflare/workers-oauth-provider";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpAgent } from "agents/mcp";
import { z } from "zod";

type MinimalEnv = { OAUTH_KV: KVNamespace; MCP_OBJECT: DurableObjectNamespace; OAUTH_PROVIDER: OAuthHelpers };

export class MinimalMcp extends McpAgent<MinimalEnv> {
	server = new McpServer({ name: "minimal", version: "1.0.0" });
	async init(): Promise<void> {
		this.server.registerTool("add", { inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
			content: [{ type: "text", text: String(a + b) }],
		}));
	}
}

const approveAtOnce = {
	async fetch(request: Request, env: MinimalEnv): Promise<Response> {
		if (new URL(request.url).pathname !== "/authorize") return new Response("Not found", { status: 404 });
		const authRequest = await env.OAUTH_PROVIDER.parseAuthRequest(request);
		const { redirectTo } = await env.OAUTH_PROVIDER.completeAuthorization({
			request: authRequest,
			userId: "1",
			metadata: {},
			scope: authRequest.scope,
			props: { user: "bench" },
		});
		return Response.redirect(redirectTo, 302);
	},
};

const providers = new Map<string, OAuthProvider<MinimalEnv>>();

export default {
	fetch(request: Request, env: MinimalEnv, ctx: ExecutionContext): Promise<Response> {
		const origin = new URL(request.url).origin;
		let provider = providers.get(origin);
		if (!provider) {
			provider = new OAuthProvider<MinimalEnv>({
				apiHandlers: { "/mcp": MinimalMcp.serve("/mcp") },
				defaultHandler: approveAtOnce,
				authorizeEndpoint: "/authorize",
				tokenEndpoint: "/token",
				clientRegistrationEndpoint: "/register",
				resourceMetadata: { resource: origin },
			});
			providers.set(origin, provider);
		}
		return provider.fetch(request, env, ctx);
	},
};
