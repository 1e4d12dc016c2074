/**
 * The OAuth 2.1 authorization server (workers-oauth-provider) configuration, built per origin.
 * The same code then serves localhost:8788, a workers.dev host and a custom domain without
 * per-deploy configuration, and every token is bound (RFC 8707 audience) to the origin that
 * issued it: a token from one hostname is refused on another.
 */
import { OAuthProvider, type OAuthProviderOptions } from "@cloudflare/workers-oauth-provider";
import { app } from "./auth/app";
import { SERVER_NAME } from "./auth/consent-page";
import { readJurisdiction } from "./config";
import { GitHubMcpAgent } from "./mcp/agent";
import { guardMcp } from "./mcp/guard";
import { ALL_MCP_SCOPES, BASE_SCOPE } from "./scopes";

/**
 * McpAgent's handlers, per Durable Object jurisdiction (MCP_JURISDICTION: "eu" or "fedramp"
 * keeps every session's object, and its storage, inside that jurisdiction).
 */
const agentHandlers = new Map<string, { mcp: ReturnType<typeof GitHubMcpAgent.serve>; sse: ReturnType<typeof GitHubMcpAgent.serveSSE> }>();

function handlersFor(env: Env) {
	const jurisdiction = readJurisdiction(env);
	let handlers = agentHandlers.get(jurisdiction ?? "");
	if (!handlers) {
		const options = jurisdiction ? { jurisdiction } : {};
		handlers = { mcp: GitHubMcpAgent.serve("/mcp", options), sse: GitHubMcpAgent.serveSSE("/sse", options) };
		agentHandlers.set(jurisdiction ?? "", handlers);
	}
	return handlers;
}

const MCP_HANDLERS = {
	"/mcp": guardMcp((env) => handlersFor(env).mcp, "streamable-http"),
	"/sse": guardMcp((env) => handlersFor(env).sse, "sse"),
};

export function createOAuthOptions(origin: string): OAuthProviderOptions<Env> {
	return {
		apiHandlers: MCP_HANDLERS,
		defaultHandler: app,
		authorizeEndpoint: "/authorize",
		tokenEndpoint: "/token",
		clientRegistrationEndpoint: "/register",
		// The bare origin is the one resource: it covers both /mcp and /sse (a path resource
		// could cover only one of them), and it is every token's audience.
		resourceMetadata: { resource: origin, resource_name: SERVER_NAME, bearer_methods_supported: ["header"] },
		// Advertised in the authorization server metadata; the consent page offers them.
		scopesSupported: ALL_MCP_SCOPES,
		// Named in the 401 challenge and the resource metadata: what a client asks for first.
		// More (github:private, github:write) comes from the consent page or a step-up.
		requiredScopes: [BASE_SCOPE],
		accessTokenTTL: 3600,
		onError: ({ code, status, internal }) => {
			// Codes and internal reasons only: descriptions can echo request data.
			console.warn(`[oauth] ${status} ${code}${internal ? ` ${JSON.stringify(internal)}` : ""}`);
		},
	};
}

// A Worker serves a handful of hostnames; the bound keeps a stream of bogus Host headers
// (possible only in local development) from growing the cache without limit.
const MAX_PROVIDERS = 16;
const providers = new Map<string, OAuthProvider<Env>>();

/** The provider for this origin. Throws when the library refuses the origin as a resource. */
export function providerFor(origin: string): OAuthProvider<Env> {
	let provider = providers.get(origin);
	if (!provider) {
		provider = new OAuthProvider<Env>(createOAuthOptions(origin));
		if (providers.size >= MAX_PROVIDERS) {
			const oldest = providers.keys().next().value;
			if (oldest !== undefined) providers.delete(oldest);
		}
		providers.set(origin, provider);
	}
	return provider;
}
