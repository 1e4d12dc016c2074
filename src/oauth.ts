/**
 * The OAuth 2.1 authorization server (workers-oauth-provider) configuration, built per origin.
 * The same code then serves localhost:8788, a workers.dev host and a custom domain without
 * per-deploy configuration, and every token is bound (RFC 8707 audience) to the origin that
 * issued it: a token from one hostname is refused on another.
 */
import { OAuthError, OAuthProvider, type OAuthProviderOptions } from "@cloudflare/workers-oauth-provider";
import { app } from "./auth/app";
import { type Config, readConfig } from "./config";
import { guardMcp } from "./mcp/guard";
import { GitHubMcpAgent } from "./mcp/lanes/agent";
import { parseGrantProps } from "./props";
import { ALL_MCP_SCOPES, BASE_SCOPE } from "./scopes";
import { SERVER_NAME } from "./server-info";
import { grantStore } from "./state/stubs";
import { identityProvider } from "./upstream";

/**
 * McpAgent's handlers, per Durable Object jurisdiction (MCP_JURISDICTION: "eu" or "fedramp"
 * keeps every session's object, and its storage, inside that jurisdiction).
 */
const agentHandlers = new Map<string, { mcp: ReturnType<typeof GitHubMcpAgent.serve>; sse: ReturnType<typeof GitHubMcpAgent.serveSSE> }>();

function handlersFor(config: Config) {
	const jurisdiction = config.jurisdiction;
	let handlers = agentHandlers.get(jurisdiction ?? "");
	if (!handlers) {
		const options = jurisdiction ? { jurisdiction } : {};
		handlers = { mcp: GitHubMcpAgent.serve("/mcp", options), sse: GitHubMcpAgent.serveSSE("/sse", options) };
		agentHandlers.set(jurisdiction ?? "", handlers);
	}
	return handlers;
}

const MCP_HANDLERS = {
	"/mcp": guardMcp("streamable-http", (config) => handlersFor(config).mcp),
	"/sse": guardMcp("sse", (config) => handlersFor(config).sse),
};

export function createOAuthOptions(origin: string): OAuthProviderOptions<Env> {
	return {
		apiHandlers: MCP_HANDLERS,
		defaultHandler: app,
		authorizeEndpoint: "/authorize",
		tokenEndpoint: "/token",
		clientRegistrationEndpoint: "/register",
		// The bare origin is the one resource: it covers both /mcp and /sse (a path resource could
		// cover only one of them), and it is every token's audience. Clients that name /mcp or /sse
		// as the resource are mapped to it before the library sees the request (src/auth/resource.ts).
		resourceMetadata: { resource: origin, resource_name: SERVER_NAME, bearer_methods_supported: ["header"] },
		// Advertised in the authorization server metadata; the consent page offers them.
		scopesSupported: ALL_MCP_SCOPES,
		// Named in the 401 challenge and the resource metadata: what a client asks for first.
		// More (github:private, github:write) comes from the consent page or a step-up.
		requiredScopes: [BASE_SCOPE],
		accessTokenTTL: 3600,
		// Client ID Metadata Documents (the MCP authorization spec's preferred registration), with
		// the `global_fetch_strictly_public` compatibility flag in wrangler.jsonc.
		clientIdMetadataDocumentEnabled: true,
		// Desktop clients register private-use scheme redirects (RFC 8252 §7.1: cursor://…,
		// vscode://…); dangerous schemes (javascript:, data:, file:…) stay refused by the library.
		allowPrivateUseRedirectUris: true,
		tokenExchangeCallback: async ({ grantType, props, userId, grantId, env }) => {
			if (grantType !== "refresh_token") return undefined;
			return refreshUpstream(env as Env, props, userId, grantId);
		},
		onError: ({ code, status, internal }) => {
			// Codes and internal reasons only: descriptions can echo request data.
			console.warn(
				JSON.stringify({
					type: "oauth_error",
					status,
					code,
					...(internal ? { internal: { category: internal.category, reason: internal.reason } } : {}),
				}),
			);
		},
	};
}

/**
 * An MCP token refresh hands the new tokens the grant's current upstream tokens: the ones its
 * GrantStore refreshed meanwhile, or a refresh now when they are about to expire. A dead upstream
 * refresh token ends the grant (`invalid_grant` makes the library revoke it with its tokens), so
 * the client signs in again instead of looping; a passing outage leaves it for the retry.
 */
async function refreshUpstream(env: Env, rawProps: unknown, userId: string, grantId: string) {
	const props = parseGrantProps(rawProps);
	if (!props) return undefined;
	const migrated = JSON.stringify(props) !== JSON.stringify(rawProps);
	if (!props.upstream.refreshToken) return migrated ? { newProps: props } : undefined;
	const config = readConfig(env);
	const store = grantStore(env, config.jurisdiction, { userId, grantId });
	const result = await store.tokens(props.upstream);
	if (!result.ok) {
		if (result.reason === "revoked") {
			await store.end();
			throw new OAuthError("invalid_grant", {
				description: `Access to ${identityProvider(env).wording.name} for this connection has ended. Sign in again.`,
			});
		}
		throw new OAuthError("temporarily_unavailable", {
			description: `${identityProvider(env).wording.name} could not be reached to renew this connection's access. Try again shortly.`,
			statusCode: 503,
			headers: { "Retry-After": "30" },
		});
	}
	return { newProps: { ...props, upstream: result.tokens } };
}

// A Worker serves a handful of hostnames (the Host check refuses the rest); the bound keeps the
// cache small anyway.
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
