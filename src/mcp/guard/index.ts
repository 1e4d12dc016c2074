/**
 * Every authenticated MCP request passes here, whichever lane serves it. The OAuth provider has
 * already validated the bearer token (audience, expiry) and put the grant's props in `ctx.props`
 * and the token's scopes in `ctx.auth`. Then, in order:
 *
 * 1. browser Origins that are not allowed get 403 (MCP transports §Security: DNS rebinding;
 *    the Host check ran before the OAuth provider, in index.ts);
 * 2. the connection's view (toolsets, read-only) is parsed: bad values get 400;
 * 3. the body is read with a limit (413) and peeked at: a POST whose body is not JSON gets 400;
 * 4. the lane is chosen, by the MCP spec's backward-compatibility rule (the SDK's own
 *    classifier): a request carrying the 2026-07-28 `_meta` envelope goes to the stateless lane,
 *    everything else (initialize, Mcp-Session-Id, /sse) to the McpAgent lane;
 * 5. 2025-era checks: an unsupported MCP-Protocol-Version gets 400, and so does a JSON-RPC batch
 *    under a version that removed batches (2025-06-18 and later);
 * 6. every tools/call is checked against the token's scopes: HTTP 403 insufficient_scope naming
 *    the scope to ask for (MCP authorization §Scope Challenge Handling, RFC 6750 §3.1); it, and
 *    every resource read and completion, is counted against the caller's limit (429);
 * 7. the caller (user, grant, scopes, current upstream tokens, view) is handed to the lane.
 *    McpAgent sessions are bound to the grant that created them (session-id.ts), capped per
 *    grant, and receive the caller per request instead of storing it.
 */
import { insufficientScope, type OAuthResourceAuth } from "@cloudflare/workers-oauth-provider";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { type Config, ConfigError, readConfig } from "../../config";
import { parseGrantProps } from "../../props";
import { normalizeScopes } from "../../scopes";
import { grantStore } from "../../state/stubs";
import { CALLER_HEADER, type Caller, encodeCaller, type GrantRef } from "../caller";
import type { SessionProps } from "../lanes/agent";
import { loadModernLane } from "../lanes/load-modern";
import { toolByName } from "../registry";
import { MAX_BODY_BYTES, readBody, TOO_LARGE } from "./body";
import { MAX_JSON_DEPTH, nestsDeeperThan, type PeekedBody, peekMessages, toolName } from "./messages";
import { isAllowedOrigin } from "./origin";
import { jsonError, jsonRpcError, overLimit, sessionNotFound } from "./responses";
import { randomSessionId, signSessionId, verifySessionId } from "./session-id";
import { checkSseMessage } from "./sse-message";
import { parseView } from "./view";

type Handler = { fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> };
type GuardedContext = ExecutionContext & { props: unknown; auth?: OAuthResourceAuth };
export type AgentTransport = "streamable-http" | "sse";

const SESSION_HEADER = "mcp-session-id";
/** How many messages one JSON-RPC batch may hold. */
export const MAX_BATCH_MESSAGES = 20;
/** Protocol versions that still had JSON-RPC batches (removed in 2025-06-18). */
const BATCH_VERSIONS = new Set(["2024-11-05", "2025-03-26"]);
/**
 * What the per-user limit (TOOL_CALL_RATE_LIMITER) counts: the requests that do work for the user,
 * reaching GitHub or storing something: tool calls, resource reads, completions, subscriptions, listen
 * streams and new sessions (each a Durable Object with storage until it idles out; with DELETE, the cap of open
 * sessions alone would not bound how fast they are made). Listing, discovery and prompts/get read
 * only this server's own definitions.
 */
const LIMITED_METHODS = new Set([
	"tools/call",
	"resources/read",
	"completion/complete",
	"resources/subscribe",
	"resources/unsubscribe",
	"initialize",
	// 2026-07-28: a stream held open for change notifications (the SDK caps them per isolate, for
	// all users together).
	"subscriptions/listen",
]);
/** What the tool-call limit's period is (wrangler.jsonc, TOOL_CALL_RATE_LIMITER). */
const TOOL_CALL_PERIOD_SECONDS = 60;

/**
 * The guard for one endpoint. `agentLane` returns McpAgent's handler for the transport (built per
 * jurisdiction); /mcp also serves the stateless lane.
 */
export function guardMcp(transport: AgentTransport, agentLane: (config: Config) => Handler): Handler {
	return {
		async fetch(request, env, rawCtx) {
			const ctx = rawCtx as GuardedContext;
			const auth = ctx.auth;
			const props = parseGrantProps(ctx.props);
			const grant = auth ? grantOf(auth) : null;
			if (!auth || !props || !grant) {
				// A valid token whose grant predates every known props schema: sign in again.
				return jsonError(401, "invalid_token", "This sign-in is no longer valid. Sign in again.", {
					"WWW-Authenticate": 'Bearer error="invalid_token"',
				});
			}
			let config: Config;
			try {
				config = readConfig(env);
			} catch (error) {
				if (!(error instanceof ConfigError)) throw error;
				console.error(JSON.stringify({ type: "config_error", issues: error.issues }));
				return jsonError(500, "server_error", `This server is not configured correctly. ${error.issues.join(" ")}`);
			}

			const origin = request.headers.get("Origin");
			if (origin !== null && !isAllowedOrigin(origin, request.url, config.allowedOrigins)) {
				return jsonError(403, "forbidden_origin", "Requests from this web origin are not allowed.");
			}

			const url = new URL(request.url);
			const view = parseView(url, request.headers);
			if (!view.ok) return jsonRpcError(400, -32602, view.message);

			const body = await readBody(request);
			if (body === TOO_LARGE) return jsonRpcError(413, -32600, `Request body too large. Maximum size is ${MAX_BODY_BYTES} bytes.`);
			if (body !== null && nestsDeeperThan(body, MAX_JSON_DEPTH))
				return jsonRpcError(400, -32600, `Invalid request: the body nests deeper than ${MAX_JSON_DEPTH} levels.`);
			const peeked = peekMessages(body);
			// Every lane answers a body that is not JSON the same way (McpAgent's SSE transport would
			// fail on it with an uncaught error, and the era of such a request cannot be told).
			if (request.method === "POST" && peeked.parsed === undefined)
				return jsonRpcError(400, -32700, "Parse error: the body is not valid JSON.");

			const stateless = transport === "streamable-http" && (await isModernRequest(request, peeked));

			if (!stateless) {
				const refused = checkLegacyProtocol(request, peeked);
				if (refused) return refused;
			}

			const calls = peeked.messages.filter((message) => message.method === "tools/call");
			for (const message of calls) {
				const needed = toolByName(toolName(message))?.scope ?? null;
				if (needed && !auth.scope.includes(needed)) {
					return insufficientScope(auth, normalizeScopes([...auth.scope, needed]), `The ${needed} scope is needed for this tool.`);
				}
			}
			// Every message that does work for the user is counted (LIMITED_METHODS), also each one of
			// a batch (2025-03-26 and earlier): counting the request instead would let a batch run any
			// number. A new SSE stream (GET /sse) opens a session, as an initialize does.
			const opensSseSession = transport === "sse" && request.method === "GET" && !url.searchParams.has("sessionId");
			const counted =
				peeked.messages.filter((message) => typeof message.method === "string" && LIMITED_METHODS.has(message.method)).length +
				(opensSseSession ? 1 : 0);
			for (let i = 0; i < counted; i++) {
				const outcome = await env.TOOL_CALL_RATE_LIMITER.limit({ key: `user:${grant.userId}` });
				if (!outcome.success) {
					return overLimit(
						"TOOL_CALL_RATE_LIMITER",
						"Too many calls: this account's limit per minute (tool calls, resource reads, completions, subscriptions and new sessions) is reached. Wait a minute and try again.",
						TOOL_CALL_PERIOD_SECONDS,
					);
				}
			}

			const caller: Caller = {
				user: props.user,
				grant,
				scopes: normalizeScopes(auth.scope),
				upstream: props.upstream,
				view: view.view,
				origin: url.origin,
			};
			// The lane sees this request with the body already read, and with the caller set by us:
			// a caller header sent by the client is dropped.
			const headers = new Headers(request.headers);
			headers.delete(CALLER_HEADER);
			const forward = (target: URL, extraHeaders?: Headers) =>
				new Request(target, {
					method: request.method,
					headers: extraHeaders ?? headers,
					...(body !== null ? { body } : {}),
					signal: request.signal,
				});

			if (stateless) return (await loadModernLane()).serveStateless(forward(url), peeked.parsed, { caller, env });

			headers.set(CALLER_HEADER, encodeCaller(caller));
			const sessionProps: SessionProps = { v: 2, grant };
			ctx.props = sessionProps;
			return transport === "streamable-http"
				? agentStreamableHttp({
						request,
						url,
						headers,
						forward,
						config,
						grant,
						env,
						ctx,
						handler: agentLane(config),
						initializes: peeked.messages.some((message) => message.method === "initialize"),
					})
				: agentSse({ request, url, forward, config, grant, env, ctx, handler: agentLane(config), peeked });
		},
	};
}

/**
 * The MCP spec's backward-compatibility rule, as the SDK implements it: a request that carries the
 * 2026-07-28 `_meta` envelope (or a modern MCP-Protocol-Version) is modern; initialize, session
 * operations and anything unparseable are 2025-era. The body has been read already, so a POST is
 * classified from its parsed JSON (one that is not a JSON object or array is 2025-era, whose
 * transport answers it with a parse error).
 */
async function isModernRequest(request: Request, peeked: PeekedBody): Promise<boolean> {
	const { isLegacyRequest } = await loadModernLane();
	if (request.method === "POST") {
		if (typeof peeked.parsed !== "object" || peeked.parsed === null) return false;
		return !(await isLegacyRequest(request, peeked.parsed, { maxRequestBodySize: MAX_BODY_BYTES }));
	}
	return !(await isLegacyRequest(request, undefined, { maxRequestBodySize: MAX_BODY_BYTES }));
}

/** The grant a token belongs to. The library's tokens are `userId:grantId:secret`. */
function grantOf(auth: OAuthResourceAuth): GrantRef | null {
	const [userId, grantId] = auth.token.split(":");
	if (!userId || !grantId || !auth.clientId) return null;
	return { userId, grantId, clientId: auth.clientId };
}

function checkLegacyProtocol(request: Request, peeked: PeekedBody): Response | null {
	const isInitialize = peeked.messages.some((message) => message.method === "initialize");
	const version = request.headers.get("mcp-protocol-version");
	if (version !== null && !isInitialize && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
		return jsonRpcError(
			400,
			-32600,
			`Unsupported MCP-Protocol-Version: ${version.slice(0, 40)}. Supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")}.`,
		);
	}
	// Clients of 2025-06-18 and later send their version on every request; batches were removed then.
	if (peeked.batch && version !== null && !BATCH_VERSIONS.has(version)) {
		return jsonRpcError(
			400,
			-32600,
			`JSON-RPC batches are not supported in MCP protocol version ${version.slice(0, 40)}: send one message per request.`,
		);
	}
	// Each message of a batch costs the session's Durable Object storage (agents keeps every
	// answer for resumption), counted or not: a batch is bounded like a body.
	if (Array.isArray(peeked.parsed) && peeked.parsed.length > MAX_BATCH_MESSAGES) {
		return jsonRpcError(400, -32600, `A JSON-RPC batch may hold at most ${MAX_BATCH_MESSAGES} messages.`);
	}
	return null;
}

interface AgentCall {
	request: Request;
	url: URL;
	forward: (target: URL, headers?: Headers) => Request;
	config: Config;
	grant: GrantRef;
	env: Env;
	ctx: GuardedContext;
	handler: Handler;
}

async function agentStreamableHttp(call: AgentCall & { headers: Headers; initializes: boolean }): Promise<Response> {
	const { request, url, headers, forward, config, grant, env, ctx, handler, initializes } = call;
	const presented = request.headers.get(SESSION_HEADER);
	let reservation: string | null = null;
	if (presented !== null) {
		const sessionId = await verifySessionId(config.sessionSecret, grant, presented);
		if (!sessionId) return sessionNotFound();
		headers.set(SESSION_HEADER, sessionId);
	} else if (request.method === "POST" && initializes) {
		// A new session: take a place among the grant's open sessions first. (Any other POST
		// without a session id is refused by the transport: it takes no place and writes nothing.)
		const reserved = await grantStore(env, config.jurisdiction, grant).reserveSession(config.maxSessionsPerGrant);
		if (!reserved.ok) return tooManySessions(config, reserved.retryAfterSeconds);
		reservation = reserved.reservation;
	}
	const response = await handler.fetch(forward(url), env, ctx);
	const issued = response.headers.get(SESSION_HEADER);
	const store = grantStore(env, config.jurisdiction, grant);
	if (reservation !== null) {
		ctx.waitUntil(issued ? store.confirmSession(reservation, `streamable-http:${issued}`) : store.releaseSession(reservation));
	}
	if (request.method === "DELETE" && response.ok && presented !== null) {
		const inner = headers.get(SESSION_HEADER);
		if (inner) ctx.waitUntil(store.releaseSession(`streamable-http:${inner}`));
	}
	if (!issued) return response;
	const signed = new Headers(response.headers);
	signed.set(SESSION_HEADER, await signSessionId(config.sessionSecret, grant, issued));
	return new Response(response.body, {
		status: response.status,
		statusText: response.statusText,
		headers: signed,
		webSocket: response.webSocket,
	});
}

async function agentSse(call: AgentCall & { peeked: PeekedBody }): Promise<Response> {
	const { request, url, forward, config, grant, env, ctx, handler, peeked } = call;
	const presented = url.searchParams.get("sessionId");
	if (presented !== null) {
		const sessionId = await verifySessionId(config.sessionSecret, grant, presented);
		if (!sessionId) return sessionNotFound();
		// One JSON-RPC message, or the SSE transport fails with an uncaught error (sse-message.ts).
		if (request.method === "POST") {
			const refused = checkSseMessage(peeked);
			if (refused) return refused;
		}
		// McpAgent names the session's Durable Object by the id it is given: give it the signed one,
		// which is what the client will post back.
		return handler.fetch(forward(url), env, ctx);
	}
	if (request.method !== "GET") return handler.fetch(forward(url), env, ctx);
	// A new SSE session: choose its id here, already signed, so the Durable Object's name and the
	// endpoint the client is told to post to both carry the binding.
	const reserved = await grantStore(env, config.jurisdiction, grant).reserveSession(config.maxSessionsPerGrant);
	if (!reserved.ok) return tooManySessions(config, reserved.retryAfterSeconds);
	const signed = await signSessionId(config.sessionSecret, grant, randomSessionId());
	url.searchParams.set("sessionId", signed);
	ctx.waitUntil(grantStore(env, config.jurisdiction, grant).confirmSession(reserved.reservation, `sse:${signed}`));
	return handler.fetch(forward(url), env, ctx);
}

function tooManySessions(config: Config, retryAfterSeconds: number): Response {
	return overLimit(
		"MAX_SESSIONS_PER_GRANT",
		`Too many open MCP sessions for this connection (at most ${config.maxSessionsPerGrant}). Close sessions you no longer use (DELETE), or wait until one has been idle for an hour.`,
		retryAfterSeconds,
	);
}
