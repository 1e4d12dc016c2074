/**
 * The checks every authenticated MCP request passes before it reaches the McpAgent Durable
 * Object. The OAuth provider has already validated the bearer token (audience, expiry) and put
 * the grant's props in `ctx.props` and the token's scopes in `ctx.auth`. This guard then:
 *
 * 1. refuses browser Origins that are not allowed (MCP transports §Security: DNS rebinding);
 * 2. refuses an unsupported MCP-Protocol-Version with 400 (MCP transports §Protocol Version Header);
 * 3. binds each MCP session to the user who created it: session ids leave the server signed
 *    with the user's id, and a session id presented with another user's token is "not found";
 * 4. enforces the token's scopes per tool call: HTTP 403 insufficient_scope naming the scope to
 *    ask for (MCP authorization §Scope Challenge Handling, RFC 6750 §3.1);
 * 5. hands the session its props together with the token's MCP scopes.
 */
import { insufficientScope, type OAuthResourceAuth } from "@cloudflare/workers-oauth-provider";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { ConfigError, isLoopbackHost } from "../config";
import { parseProps } from "../props";
import { normalizeScopes } from "../scopes";
import { requiredScopeForTool } from "./tools";

type Handler = { fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> };
type GuardedContext = ExecutionContext & { props: unknown; auth?: OAuthResourceAuth };

/** Larger bodies are refused before they are read (the MCP transport's own limit). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const SESSION_HEADER = "mcp-session-id";

export function guardMcp(handlerFor: (env: Env) => Handler, transport: "streamable-http" | "sse"): Handler {
	return {
		async fetch(request, env, rawCtx) {
			const ctx = rawCtx as GuardedContext;
			const auth = ctx.auth;
			const props = parseProps(ctx.props);
			if (!auth || !props) {
				// A valid token whose grant predates the current props schema: make the client sign in again.
				return jsonError(401, "invalid_token", "This sign-in is no longer valid. Sign in again.", {
					"WWW-Authenticate": 'Bearer error="invalid_token"',
				});
			}

			const origin = request.headers.get("Origin");
			if (origin !== null && !isAllowedOrigin(origin, request.url, env)) {
				return jsonError(403, "forbidden_origin", "Requests from this web origin are not allowed.");
			}

			const url = new URL(request.url);
			const body = await readBody(request);
			if (body === TOO_LARGE) return jsonRpcError(413, -32600, `Request body too large. Maximum size is ${MAX_BODY_BYTES} bytes.`);
			const messages = parseMessages(body);
			const isInitialize = messages.some((message) => message.method === "initialize");

			const version = request.headers.get("mcp-protocol-version");
			if (version !== null && !isInitialize && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
				return jsonRpcError(
					400,
					-32600,
					`Unsupported MCP-Protocol-Version: ${version.slice(0, 40)}. Supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")}.`,
				);
			}

			for (const message of messages) {
				if (message.method !== "tools/call") continue;
				const needed = requiredScopeForTool(toolName(message));
				if (needed && !auth.scope.includes(needed)) {
					return insufficientScope(auth, normalizeScopes([...auth.scope, needed]), `The ${needed} scope is needed for this tool.`);
				}
			}

			const key = await sessionKey(env);
			const userId = String(props.githubId);
			const headers = new Headers(request.headers);
			if (transport === "streamable-http") {
				const presented = request.headers.get(SESSION_HEADER);
				if (presented !== null) {
					const sessionId = await verifySessionId(key, userId, presented);
					if (!sessionId) return sessionNotFound();
					headers.set(SESSION_HEADER, sessionId);
				}
			} else {
				const presented = url.searchParams.get("sessionId");
				if (presented !== null) {
					if (!(await verifySessionId(key, userId, presented))) return sessionNotFound();
				} else if (request.method === "GET") {
					// A new SSE session: choose its id here, already signed, so the DO name and the
					// endpoint the client is told to post to both carry the binding.
					url.searchParams.set("sessionId", await signSessionId(key, userId, randomSessionId()));
				}
			}

			ctx.props = { ...props, mcpScopes: normalizeScopes(auth.scope) };
			const forwarded = new Request(url, {
				method: request.method,
				headers,
				...(body !== null ? { body } : {}),
				signal: request.signal,
			});
			let handler: Handler;
			try {
				handler = handlerFor(env);
			} catch (error) {
				if (!(error instanceof ConfigError)) throw error;
				console.error(`[config] ${error.issues.join(" ")}`);
				return jsonError(500, "server_error", `This server is not configured correctly. ${error.issues.join(" ")}`);
			}
			const response = await handler.fetch(forwarded, env, ctx);

			const issued = transport === "streamable-http" ? response.headers.get(SESSION_HEADER) : null;
			if (!issued) return response;
			const signed = new Headers(response.headers);
			signed.set(SESSION_HEADER, await signSessionId(key, userId, issued));
			return new Response(response.body, {
				status: response.status,
				statusText: response.statusText,
				headers: signed,
				webSocket: response.webSocket,
			});
		},
	};
}

/** No Origin (non-browser clients), this server's own origin, loopback pages, or ALLOWED_ORIGINS. */
export function isAllowedOrigin(origin: string, requestUrl: string, env: Env): boolean {
	if (!URL.canParse(origin)) return false;
	const parsed = new URL(origin);
	if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return false;
	if (parsed.origin === new URL(requestUrl).origin) return true;
	// A page on the user's own machine (the MCP Inspector, a local agent UI) can reach the
	// server without a browser anyway; a rebinding attack always comes from another host.
	if (isLoopbackHost(parsed.hostname)) return true;
	return allowedOrigins(env).includes(parsed.origin);
}

function allowedOrigins(env: Env): string[] {
	const raw = typeof env.ALLOWED_ORIGINS === "string" ? env.ALLOWED_ORIGINS : "";
	return raw
		.split(/[\s,]+/)
		.filter((value) => URL.canParse(value))
		.map((value) => new URL(value).origin);
}

// --- bodies ------------------------------------------------------------------------------------

const TOO_LARGE = Symbol("too large");

async function readBody(request: Request): Promise<string | null | typeof TOO_LARGE> {
	if (request.method !== "POST" || !request.body) return null;
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > MAX_BODY_BYTES) return TOO_LARGE;
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > MAX_BODY_BYTES) {
			await reader.cancel();
			return TOO_LARGE;
		}
		chunks.push(value);
	}
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return new TextDecoder().decode(bytes);
}

interface RpcMessage {
	method?: unknown;
	params?: unknown;
}

/** The JSON-RPC messages of a body; malformed bodies yield none and are answered by the transport. */
function parseMessages(body: string | null | typeof TOO_LARGE): RpcMessage[] {
	if (typeof body !== "string") return [];
	try {
		const parsed: unknown = JSON.parse(body);
		const list = Array.isArray(parsed) ? parsed : [parsed];
		return list.filter((item): item is RpcMessage => typeof item === "object" && item !== null);
	} catch {
		return [];
	}
}

function toolName(message: RpcMessage): string {
	const params = message.params;
	if (typeof params === "object" && params !== null && "name" in params && typeof params.name === "string") return params.name;
	return "";
}

// --- session binding ---------------------------------------------------------------------------

let cachedKey: { secret: string; key: CryptoKey } | undefined;

async function sessionKey(env: Env): Promise<CryptoKey> {
	// readConfig() has validated COOKIE_ENCRYPTION_KEY before any token could be issued.
	const secret = typeof env.COOKIE_ENCRYPTION_KEY === "string" ? env.COOKIE_ENCRYPTION_KEY : "";
	if (cachedKey?.secret !== secret) {
		const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
			"sign",
			"verify",
		]);
		cachedKey = { secret, key };
	}
	return cachedKey.key;
}

function bindingData(userId: string, sessionId: string): Uint8Array {
	// Domain-separated, so this MAC can never be mistaken for another use of the key.
	return new TextEncoder().encode(`mcp-session-binding/v1\n${userId}\n${sessionId}`);
}

async function signSessionId(key: CryptoKey, userId: string, sessionId: string): Promise<string> {
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, bindingData(userId, sessionId)));
	return `${sessionId}.${toBase64Url(mac)}`;
}

/** The inner session id when `presented` was signed for this user; otherwise null. */
async function verifySessionId(key: CryptoKey, userId: string, presented: string): Promise<string | null> {
	const dot = presented.lastIndexOf(".");
	if (dot <= 0 || presented.length > 512) return null;
	const sessionId = presented.slice(0, dot);
	const mac = fromBase64Url(presented.slice(dot + 1));
	if (!mac) return null;
	// crypto.subtle.verify compares in constant time.
	return (await crypto.subtle.verify("HMAC", key, mac, bindingData(userId, sessionId))) ? sessionId : null;
}

/** 256 random bits, hex: as unguessable as a Durable Object id, which McpAgent uses for /mcp. */
function randomSessionId(): string {
	return [...crypto.getRandomValues(new Uint8Array(32))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function toBase64Url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(value: string): Uint8Array | null {
	if (!/^[A-Za-z0-9_-]+$/.test(value)) return null;
	const binary = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
	return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

// --- responses ---------------------------------------------------------------------------------

/** The same answer as for a session that never existed: no oracle for other users' sessions. */
function sessionNotFound(): Response {
	return jsonRpcError(404, -32001, "Session not found");
}

function jsonRpcError(status: number, code: number, message: string): Response {
	return Response.json({ jsonrpc: "2.0", id: null, error: { code, message } }, { status });
}

function jsonError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
	return Response.json({ error, error_description: description }, { status, headers: { "Cache-Control": "no-store", ...headers } });
}
