/**
 * The Worker's front door, before the OAuth provider: the Host check (DNS rebinding), the provider
 * for the origin the request arrived on, and the few places where this server adds to the
 * library's endpoints: registration limits and name cleaning, the resource spellings that mean
 * this server, and refresh token reuse detection.
 */

import { endGrantState, grantExists, grantOfCredential } from "./auth/grants";
import { endGrantOfSupersededToken, recordRefreshTokenUse, refuseReusedRefreshToken } from "./auth/refresh-reuse";
import { prepareRegistration } from "./auth/registration";
import { withCanonicalAuthorizeResource, withCanonicalTokenResource } from "./auth/resource";
import { boundedKv } from "./bounded-kv";
import { ConfigError, readPublicConfig } from "./config";
import { isAllowedHost, misdirectedHost } from "./mcp/guard/host";
import { providerFor } from "./oauth";

export async function handleRequest(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const url = new URL(request.url);
	try {
		if (!isAllowedHost(url.hostname, readPublicConfig(env).allowedHosts)) return misdirectedHost(url.hostname);
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		console.error(JSON.stringify({ type: "config_error", issues: error.issues }));
		return new Response(`This server is not configured correctly. ${error.issues.join(" ")}\n`, {
			status: 500,
			headers: { "Content-Type": "text/plain; charset=utf-8" },
		});
	}

	let provider: ReturnType<typeof providerFor>;
	try {
		provider = providerFor(url.origin);
	} catch {
		// The library refuses an origin it cannot bind tokens to: plain http on a host that is not
		// loopback. Say so instead of failing with a stack trace.
		return new Response("This server must be reached over https (plain http works only on localhost).\n", {
			status: 421,
			headers: { "Content-Type": "text/plain; charset=utf-8" },
		});
	}
	// A fresh env object per request. The library caches its helpers for the default handler on
	// `env.OAUTH_PROVIDER`, and the runtime hands every request of an isolate the same env object:
	// without a copy, the first origin's helpers (and its resource) would serve every later
	// origin's /authorize, which then fails with invalid_target. Its KV treats keys too long to
	// exist as missing (bounded-kv.ts), for the library and for this server alike.
	const requestEnv = { ...env, OAUTH_KV: boundedKv(env.OAUTH_KV) };

	if (request.method === "POST" && url.pathname === "/register") {
		const prepared = await prepareRegistration(request, requestEnv);
		if (prepared instanceof Response) return prepared;
		return provider.fetch(prepared, requestEnv, ctx);
	}
	if (request.method === "GET" && url.pathname === "/authorize") {
		return provider.fetch(withCanonicalAuthorizeResource(request, url.origin), requestEnv, ctx);
	}
	if (request.method === "POST" && url.pathname === "/token" && isForm(request)) {
		const form = new URLSearchParams(new TextDecoder().decode(await request.clone().arrayBuffer()));
		const refreshToken = form.get("grant_type") === "refresh_token" ? form.get("refresh_token") : null;
		if (refreshToken) {
			const refused = await refuseReusedRefreshToken(requestEnv, url.origin, refreshToken);
			if (refused) return refused;
		}
		// The grant this request names (a code, a refresh token, or a token to revoke), if it exists.
		const named = grantOfCredential(form.get("token") ?? form.get("refresh_token") ?? form.get("code"));
		const existed = named !== null && (await grantExists(requestEnv, named));
		const response = await provider.fetch(withCanonicalTokenResource(request, form, url.origin) ?? request, requestEnv, ctx);
		// Recorded before the client has the new tokens, so a replay can never race the record.
		if (refreshToken && response.ok) await recordRefreshTokenUse(requestEnv, refreshToken, await issuedRefreshToken(response));
		if (refreshToken && response.status === 400) {
			const ended = await endGrantOfSupersededToken(requestEnv, url.origin, refreshToken);
			if (ended) return ended;
		}
		// The library ends grants by itself (RFC 7009 revocation of a refresh token, a reused
		// authorization code) and knows nothing of what this server keeps per grant: when this
		// request ended one, delete its MCP sessions' storage and its stored upstream tokens too.
		if (named && existed && !(await grantExists(requestEnv, named))) await endGrantState(requestEnv, named, "ended_at_token_endpoint");
		return response;
	}
	return provider.fetch(request, requestEnv, ctx);
}

/** The refresh token a successful /token answer hands out, if any. */
async function issuedRefreshToken(response: Response): Promise<string | null> {
	try {
		const body: unknown = await response.clone().json();
		return typeof body === "object" && body !== null && "refresh_token" in body && typeof body.refresh_token === "string"
			? body.refresh_token
			: null;
	} catch {
		return null;
	}
}

function isForm(request: Request): boolean {
	return (request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
}
