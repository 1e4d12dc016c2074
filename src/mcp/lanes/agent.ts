/**
 * The 2025 lane: one McpAgent Durable Object per MCP session, for every client that speaks MCP
 * 2025-11-25 or earlier (`initialize`, Mcp-Session-Id) and for the HTTP+SSE transport on /sse.
 *
 * What it keeps, and what it does not:
 * - the session's counter (McpAgent `state`, kept across hibernation and restarts) and a cache of
 *   GitHub responses for conditional requests (`sql`);
 * - its grant's reference (user id, grant id, client id): never a GitHub token. The caller, with
 *   the grant's current token and scopes, arrives with every request from the guard, so a session
 *   always uses its grant's current token (after a refresh or a step-up) and holds nothing a
 *   stolen copy of its storage could use;
 * - nothing after SESSION_IDLE_DAYS without a request: an alarm deletes its storage.
 *
 * Which tools a request lists follows that request's caller (scopes, toolsets, read-only mode,
 * allow-list); every call is checked again in invoke.ts.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { UriTemplate } from "@modelcontextprotocol/sdk/shared/uriTemplate.js";
import {
	type ClientCapabilities,
	ErrorCode,
	isInitializeRequest,
	McpError,
	SubscribeRequestSchema,
	UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { McpAgent } from "agents/mcp";
import { z } from "zod";
import { readConfig } from "../../config";
import { type CachedResponse, createGithubClient, type ResponseCache } from "../../github/client";
import { SERVER_INSTRUCTIONS, SERVER_NAME, SERVER_VERSION } from "../../server-info";
import { grantStore } from "../../state/stubs";
import { identityProvider } from "../../upstream";
import { callerTokenSource } from "../../upstream/token-source";
import { auditSink } from "../audit";
import { CALLER_HEADER, type Caller, decodeCaller, GrantRefSchema } from "../caller";
import { withCompletionContext } from "../completions";
import { CANNOT_CONFIRM, confirmationSchema, interpretAnswer, NO_ANSWER } from "../confirm";
import { stateCounter, type ToolContext } from "../define";
import { allowListOf, mayListRestrictedTools, mustKeepToPublicRepositories, toolInView, visibleResources } from "../policy";
import { PROMPTS, RESOURCES, TOOLS } from "../registry";
import { COUNTER_URI } from "../resources/counter";
import { type RegisteredV1, registerOnV1, type V1Extra } from "./register-v1";

export interface SessionState {
	counter: number;
}

/** Whether agents' bridged message header (base64 JSON-RPC) holds at least one request. */
/** The JSON-RPC messages agents carries in its bridge header (base64 JSON), or none. */
function bridgedMessages(header: string | null): Record<string, unknown>[] {
	if (!header) return [];
	try {
		return messagesOf(JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(header), (c) => c.charCodeAt(0)))));
	} catch {
		return [];
	}
}

function messagesOf(body: unknown): Record<string, unknown>[] {
	return (Array.isArray(body) ? body : [body]).filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null);
}

/** Whether a message is a request (it has a method and an id: an answer will follow). */
function carriesRequest(messages: Record<string, unknown>[]): boolean {
	return messages.some((message) => "method" in message && "id" in message);
}

/** The tools a batch of messages calls by name. */
function calledTools(messages: Record<string, unknown>[]): Set<string> {
	const names = new Set<string>();
	for (const message of messages) {
		const params = message.params;
		if (
			message.method === "tools/call" &&
			typeof params === "object" &&
			params !== null &&
			"name" in params &&
			typeof params.name === "string"
		) {
			names.add(params.name);
		}
	}
	return names;
}

/** What the session stores about its grant: a reference, no secret. */
export const SessionPropsSchema = z.object({ v: z.literal(2), grant: GrantRefSchema });
export type SessionProps = z.infer<typeof SessionPropsSchema>;

/** How many GitHub responses a session keeps for conditional requests. */
const CACHE_ENTRIES = 200;
/** Resource subscriptions a session may hold (each an issue it watches, or the counter). */
export const MAX_SUBSCRIPTIONS = 50;
/** Activity is written down at most this often (it only moves the idle deadline). */
const ACTIVITY_WRITE_MS = 60 * 60 * 1000;
/** The session tells its grant it is in use at most this often (the open-sessions limit). */
const GRANT_TOUCH_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How long an ended session's object lives on to answer the call in flight. */
const SESSION_END_GRACE_MS = 1000;

/** The first protocol revision whose clients expect a priming event on an SSE response. */
const PRIMING_SINCE = "2025-11-25";
/** How long a client waits before reconnecting a dropped stream (the SSE `retry` field). */
export const SSE_RETRY_MS = 2_000;
/** agents' internal headers on the WebSocket that carries each Streamable HTTP request to the session. */
const BRIDGED_METHOD_HEADER = "cf-mcp-method";
const BRIDGED_MESSAGE_HEADER = "cf-mcp-message";
/**
 * The event store (agents' DurableObjectEventStore) names events `<streamId>:<seq>`, with seq from
 * 1 in 16 hex digits, and the stream of a POST is its connection's id. Sequence 0 is never stored,
 * so a reconnect with `<connection id>:0000000000000000` as Last-Event-ID resolves to that stream
 * and replays it from its first stored event.
 */
const PRIMING_SEQUENCE = "0".repeat(16);
/**
 * Where an HTTP+SSE session keeps the capabilities its client declared in initialize. McpAgent
 * keeps the initialize request of Streamable HTTP sessions only (and replays it when the Durable
 * Object starts again); an SSE session would otherwise forget, after a restart, that its client
 * can confirm writes.
 */
const SSE_CLIENT_CAPABILITIES_KEY = "sseClientCapabilities";

export class GitHubMcpAgent extends McpAgent<Env, SessionState, SessionProps> {
	server = new McpServer(
		{ name: SERVER_NAME, version: SERVER_VERSION },
		// logging: MCP 2025-era clients may set a level (logging/setLevel); resources.subscribe: a
		// session can watch the counter (removed from the 2026-07-28 revision, which has no sessions).
		{ instructions: SERVER_INSTRUCTIONS, capabilities: { logging: {}, resources: { subscribe: true } } },
	);

	override initialState: SessionState = { counter: 0 };

	#registered: RegisteredV1 | undefined;
	/** An SSE session's client capabilities, from storage: for when the server restarted since initialize. */
	#sseClientCapabilities: ClientCapabilities | undefined;
	#listedOnce = false;
	#lastActivityWrite = 0;
	#lastGrantTouch = 0;

	async init(): Promise<void> {
		// Created once per session; IF NOT EXISTS makes restarts (init runs again) harmless.
		this
			.sql`CREATE TABLE IF NOT EXISTS github_cache (url TEXT PRIMARY KEY, etag TEXT NOT NULL, body TEXT NOT NULL, link TEXT, stored_at INTEGER NOT NULL)`;
		// Sessions created before 0.2 stored the grant's props, GitHub token included: keep only
		// the reference (the token arrives with each request now).
		const stored = SessionPropsSchema.safeParse(this.props);
		if (!stored.success) await this.updateProps();
		else if (JSON.stringify(this.props) !== JSON.stringify(stored.data)) await this.updateProps(stored.data);
		await this.#restoreSubscriptions();
		this.#sseClientCapabilities = await this.ctx.storage.get<ClientCapabilities>(SSE_CLIENT_CAPABILITIES_KEY);
		this.#registered = registerOnV1(
			this.server,
			{ tools: TOOLS, resources: RESOURCES, prompts: PROMPTS },
			(extra) => this.#context(extra),
			() => {
				const config = readConfig(this.env);
				return { allowList: allowListOf(config, this.env.OAUTH_KV), audit: auditSink(this.env, config, "session") };
			},
		);
	}

	/** Streamable HTTP: every request reaches the session as a WebSocket connect with its headers. */
	override async onConnect(...args: Parameters<McpAgent<Env, SessionState, SessionProps>["onConnect"]>): Promise<void> {
		const [connection, { request }] = args;
		const messages = bridgedMessages(request.headers.get(BRIDGED_MESSAGE_HEADER));
		const caller = await this.#beforeRequest(request.headers.get(CALLER_HEADER), messages);
		this.#primeStream(connection, request, messages);
		return withCompletionContext(this.#callerContext(caller), () => super.onConnect(...args));
	}

	/**
	 * MCP 2025-11-25, Streamable HTTP "Sending Messages to the Server": when the server answers a POST
	 * with an SSE stream, it SHOULD first send an event with an id and an empty data field, so a
	 * client whose connection drops can resume it with Last-Event-ID; `retry` says how long to wait.
	 * Clients of earlier revisions may not expect an event without a message, so they get none. The
	 * Worker forwards the frame verbatim, ahead of the responses the transport writes next.
	 */
	#primeStream(
		connection: Parameters<McpAgent<Env, SessionState, SessionProps>["onConnect"]>[0],
		request: Request,
		messages: Record<string, unknown>[],
	): void {
		if (this.getTransportType() !== "streamable-http" || request.headers.get(BRIDGED_METHOD_HEADER) !== "POST") return;
		const version = request.headers.get("mcp-protocol-version");
		if (!version || version < PRIMING_SINCE) return;
		// Notifications and responses alone get 202 and no stream.
		if (!carriesRequest(messages)) return;
		connection.send(
			JSON.stringify({
				type: "cf_mcp_agent_event",
				event: `id: ${connection.id}:${PRIMING_SEQUENCE}\nretry: ${SSE_RETRY_MS}\ndata: \n\n`,
			}),
		);
	}

	/** HTTP+SSE: every POST to /sse/message. */
	override async onSSEMcpMessage(...args: Parameters<McpAgent<Env, SessionState, SessionProps>["onSSEMcpMessage"]>): Promise<Error | null> {
		const message = args[1];
		if (isInitializeRequest(message)) {
			// Only what this server reads (confirm): no client-chosen object is stored.
			this.#sseClientCapabilities = message.params.capabilities.elicitation ? { elicitation: {} } : {};
			await this.ctx.storage.put(SSE_CLIENT_CAPABILITIES_KEY, this.#sseClientCapabilities);
		}
		const header = args[2]?.requestInfo?.headers?.[CALLER_HEADER];
		const caller = await this.#beforeRequest(Array.isArray(header) ? header[0] : header, messagesOf(args[1]));
		return withCompletionContext(this.#callerContext(caller), () => super.onSSEMcpMessage(...args));
	}

	/** Idle cleanup (agents' scheduler): delete everything once nothing happened for SESSION_IDLE_DAYS. */
	async expireIfIdle(): Promise<void> {
		await this.ctx.storage.delete("cleanupAt");
		const idleMs = readConfig(this.env).sessionIdleDays * DAY_MS;
		const last = (await this.ctx.storage.get<number>("lastActivity")) ?? 0;
		const remaining = last + idleMs - Date.now();
		if (remaining > 0) {
			await this.#scheduleCleanup(remaining);
			return;
		}
		await this.#releaseFromGrant();
		await this.destroy();
	}

	/**
	 * The grant ended (revoked, or GitHub refused it for good): delete this session's storage now,
	 * and the object itself (its memory) a moment later. Not destroy(), which aborts the object at
	 * once: the request that found GitHub's refusal may be this session's own tool call, whose
	 * answer (telling the user to reconnect) would then never be sent.
	 */
	async endSession(): Promise<void> {
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
		setTimeout(() => this.ctx.abort("the session's grant ended"), SESSION_END_GRACE_MS);
	}

	/** The Worker's DELETE of this session succeeded: leave the grant's list of open sessions. */
	async #releaseFromGrant(): Promise<void> {
		const props = SessionPropsSchema.safeParse(this.props);
		if (!props.success) return;
		await grantStore(this.env, readConfig(this.env).jurisdiction, props.data.grant)
			.releaseSession(this.name)
			.catch(() => {});
	}

	/**
	 * Before the SDK sees a request: what this caller may see. Listing follows the caller's scopes,
	 * view and (for a tools/list) the allow-list; a tool the request calls by name is let through
	 * to invoke.ts whatever the listing says, which refuses it if hidden and records the refusal.
	 */
	async #beforeRequest(header: string | null | undefined, messages: Record<string, unknown>[]): Promise<Caller | null> {
		const caller = decodeCaller(header);
		await this.#noteActivity();
		if (!caller || !this.#registered) return caller;
		// Only a listing asks the allow-list (a GitHub request, cached briefly): add, whoami and the
		// rest never wait for GitHub here.
		if (messages.some((message) => message.method === "tools/list")) {
			const config = readConfig(this.env);
			this.#restrictedAllowed = await mayListRestrictedTools(allowListOf(config, this.env.OAUTH_KV), caller, () => this.#github(caller));
		}
		const called = calledTools(messages);
		let changed = false;
		for (const tool of TOOLS) {
			const registered = this.#registered.tools.get(tool.name);
			if (!registered) continue;
			const visible = toolInView(tool, caller) && (!tool.restricted || this.#restrictedAllowed);
			if (this.#visible.get(tool.name) !== visible) changed = true;
			this.#visible.set(tool.name, visible);
			// Set directly: the SDK's enable()/disable() would notify the client on every request.
			registered.enabled = visible || called.has(tool.name);
		}
		const resources = new Set(visibleResources(caller).map((resource) => resource.name));
		for (const [name, registered] of this.#registered.resources) registered.enabled = resources.has(name);
		// The list this session sees changed (a step-up, another token's view): tell the client.
		if (changed && this.#listedOnce) this.server.sendToolListChanged();
		this.#listedOnce = true;
		return caller;
	}

	/** What this session last showed (tools/list), and the allow-list's last answer. */
	#visible = new Map<string, boolean>();
	#restrictedAllowed = false;

	async #noteActivity(): Promise<void> {
		const now = Date.now();
		const props = SessionPropsSchema.safeParse(this.props);
		if (props.success && now - this.#lastGrantTouch >= GRANT_TOUCH_MS) {
			this.#lastGrantTouch = now;
			this.ctx.waitUntil(
				grantStore(this.env, readConfig(this.env).jurisdiction, props.data.grant)
					.touchSession(this.name)
					.catch(() => {}),
			);
		}
		if (now - this.#lastActivityWrite < ACTIVITY_WRITE_MS) return;
		this.#lastActivityWrite = now;
		await this.ctx.storage.put("lastActivity", now);
		if ((await this.ctx.storage.get<number>("cleanupAt")) === undefined) {
			await this.#scheduleCleanup(readConfig(this.env).sessionIdleDays * DAY_MS);
		}
	}

	async #scheduleCleanup(inMs: number): Promise<void> {
		await this.ctx.storage.put("cleanupAt", Date.now() + inMs);
		await this.schedule(Math.ceil(inMs / 1000), "expireIfIdle");
	}

	#github(caller: Caller, extra?: V1Extra) {
		const config = readConfig(this.env);
		return createGithubClient({
			apiUrl: config.github.apiUrl,
			token: callerTokenSource(this.env, config.jurisdiction, caller, caller.origin),
			publicRepositoriesOnly: mustKeepToPublicRepositories(caller, config.github),
			cache: this.#cache,
			...(extra?.signal ? { signal: extra.signal } : {}),
		});
	}

	#context(extra: V1Extra): ToolContext {
		const headers = extra.requestInfo?.headers ?? {};
		const raw = headers[CALLER_HEADER];
		return this.#callerContext(decodeCaller(Array.isArray(raw) ? raw[0] : raw), extra);
	}

	#callerContext(caller: Caller | null, extra?: V1Extra): ToolContext {
		const agent = this;
		return {
			caller,
			github: () => {
				if (!caller) throw new Error("no caller");
				return this.#github(caller, extra);
			},
			async confirm(request) {
				if (!extra) return { confirmed: false, result: CANNOT_CONFIRM };
				const capabilities = agent.server.server.getClientCapabilities() ?? agent.#sseClientCapabilities;
				if (!capabilities?.elicitation) return { confirmed: false, result: CANNOT_CONFIRM };
				try {
					const answer = await agent.elicitInput(
						{ message: request.message, requestedSchema: confirmationSchema(request) },
						{ relatedRequestId: extra.requestId },
					);
					return interpretAnswer(answer, request);
				} catch {
					return { confirmed: false, result: NO_ANSWER };
				}
			},
			counter: stateCounter(this),
			installationUrl: caller ? identityProvider(this.env).installationUrl() : null,
			...(extra ? { signal: extra.signal } : {}),
		};
	}

	/** Tell a client that subscribed to the counter resource that it changed (and only such a client). */
	override onStateChanged(_state: SessionState | undefined): void {
		if (!this.#subscriptions.has(COUNTER_URI)) return;
		this.server.server.sendResourceUpdated({ uri: COUNTER_URI }).catch(() => {
			// No open stream to notify on: the client reads the new value on its next request.
		});
	}

	/** The resource URIs this session subscribed to (resources/subscribe, at most MAX_SUBSCRIPTIONS), kept in its storage. */
	#subscriptions = new Set<string>();

	async #restoreSubscriptions(): Promise<void> {
		this.#subscriptions = new Set((await this.ctx.storage.get<string[]>("subscriptions")) ?? []);
		const server = this.server.server;
		// Only resources this server has: a fixed URI, or one its templates match.
		const known = (uri: string) =>
			RESOURCES.some((resource) =>
				resource.kind === "fixed" ? resource.uri === uri : new UriTemplate(resource.uriTemplate).match(uri) !== null,
			);
		server.setRequestHandler(SubscribeRequestSchema, async (request) => {
			if (!known(request.params.uri)) throw new McpError(ErrorCode.InvalidParams, `Resource ${request.params.uri.slice(0, 200)} not found`);
			if (this.#subscriptions.has(request.params.uri)) return {};
			// Bounded: the set is rewritten whole on every change, and a client could name any
			// number of issues.
			if (this.#subscriptions.size >= MAX_SUBSCRIPTIONS) {
				throw new McpError(
					ErrorCode.InvalidRequest,
					`This session already has ${MAX_SUBSCRIPTIONS} resource subscriptions: unsubscribe from one first.`,
				);
			}
			this.#subscriptions.add(request.params.uri);
			await this.ctx.storage.put("subscriptions", [...this.#subscriptions]);
			return {};
		});
		server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
			// Nothing to write for a URI this session never subscribed to.
			if (!this.#subscriptions.delete(request.params.uri)) return {};
			await this.ctx.storage.put("subscriptions", [...this.#subscriptions]);
			return {};
		});
	}

	/** GitHub responses by URL, in this session's SQLite, for If-None-Match requests. */
	#cache: ResponseCache = {
		get: async (url) => {
			const [row] = this.sql<CachedResponse>`SELECT etag, body, link FROM github_cache WHERE url = ${url}`;
			return row ?? null;
		},
		set: async (url, entry) => {
			this
				.sql`INSERT OR REPLACE INTO github_cache (url, etag, body, link, stored_at) VALUES (${url}, ${entry.etag}, ${entry.body}, ${entry.link}, ${Date.now()})`;
			this.sql`DELETE FROM github_cache WHERE url NOT IN (SELECT url FROM github_cache ORDER BY stored_at DESC LIMIT ${CACHE_ENTRIES})`;
		},
	};
}
