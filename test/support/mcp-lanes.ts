/**
 * One MCP server, spoken by hand in each framing it serves, so a test can send the same (often
 * hostile) message through every lane and compare the answers:
 * - "legacy-mcp": 2025-era Streamable HTTP on /mcp: a session opened with `initialize`, then
 *   Mcp-Session-Id and MCP-Protocol-Version on every request (the McpAgent lane);
 * - "legacy-sse": the HTTP+SSE transport on /sse: a stream that names the endpoint to post to,
 *   and carries the answers (also the McpAgent lane);
 * - "modern": 2026-07-28 on /mcp: every request carries its `_meta` envelope and the headers that
 *   mirror it, no session (the stateless lane).
 * Real clients (both SDKs) are in test/worker/harness.ts; this is for what real clients never send.
 */
import {
	initializeBody,
	type JsonRpcMessage,
	LEGACY_VERSION,
	legacyHeaders,
	MCP_ACCEPT,
	MODERN_VERSION,
	modernRequest,
	readMessages,
} from "./mcp-wire";
import type { Send } from "./oauth-flow";

export type WireLane = "legacy-mcp" | "legacy-sse" | "modern";
export const WIRE_LANES: readonly WireLane[] = ["legacy-mcp", "legacy-sse", "modern"];

export interface LaneReply {
	status: number;
	headers: Headers;
	/** The HTTP response body (for an SSE post, usually "Accepted"). */
	body: string;
	/** The JSON-RPC answer to the request, from the body or, for SSE, from the stream. */
	message?: JsonRpcMessage;
}

export interface PostOptions {
	/** The Authorization header instead of the lane's bearer token; null sends none. */
	authorization?: string | null;
	/** Extra headers; undefined removes one the lane would send. */
	headers?: Record<string, string | undefined>;
	/** Query parameters added to the URL posted to. */
	query?: Record<string, string>;
	/** The session id to present instead of the lane's own (legacy lanes); null presents none. */
	sessionId?: string | null;
	/** The JSON-RPC id whose answer to wait for (SSE answers arrive on the stream). */
	id?: string | number;
	/** request(): rewrites the framed body before it is sent (escapes, duplicate keys…); headers stay. */
	rewrite?: (body: string) => string;
}

export interface RawLane {
	readonly kind: WireLane;
	/** The session id this lane presents (Mcp-Session-Id, or the SSE endpoint's sessionId); null for modern. */
	readonly sessionId: string | null;
	/** A JSON-RPC request, framed as this lane frames it. */
	request(method: string, params?: Record<string, unknown>, options?: PostOptions): Promise<LaneReply>;
	/** A raw body posted where this lane posts, with this lane's headers. */
	post(body: string, options?: PostOptions): Promise<LaneReply>;
	close(): Promise<void>;
}

export interface LaneOptions {
	send: Send;
	origin: string;
	/** The MCP access token the lane opens its session with and sends by default. */
	token: string;
	/** legacy-mcp: the protocol version negotiated and sent (default 2025-11-25). */
	version?: string;
	/** Query parameters of the endpoint, e.g. { toolsets: "repos" }. */
	query?: Record<string, string>;
}

/** Opens a lane: for the legacy lanes, a session (initialize, or the SSE stream). */
export async function openRawLane(kind: WireLane, options: LaneOptions): Promise<RawLane> {
	if (kind === "legacy-mcp") return LegacyMcpLane.open(options);
	if (kind === "legacy-sse") return LegacySseLane.open(options);
	return new ModernLane(options);
}

const SSE_ANSWER_TIMEOUT_MS = 5_000;

function endpointUrl(origin: string, path: string, ...queries: (Record<string, string> | undefined)[]): URL {
	const url = new URL(path, origin);
	for (const query of queries) for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
	return url;
}

function withOverrides(base: Record<string, string>, options: PostOptions, token: string): Headers {
	const headers = new Headers(base);
	headers.set("Authorization", `Bearer ${token}`);
	if (options.authorization === null) headers.delete("Authorization");
	else if (options.authorization !== undefined) headers.set("Authorization", options.authorization);
	for (const [name, value] of Object.entries(options.headers ?? {})) {
		if (value === undefined) headers.delete(name);
		else headers.set(name, value);
	}
	return headers;
}

async function replyOf(response: Response, id: string | number | undefined): Promise<LaneReply> {
	const body = await response.text();
	let message: JsonRpcMessage | undefined;
	try {
		const messages = await readMessages(new Response(body, { headers: response.headers }));
		// The answer to this request, or an error the server could not tie to any (id null).
		message =
			messages.find((candidate) => id !== undefined && candidate.id === id) ??
			messages.find(
				(candidate) => (id === undefined || candidate.id === null) && (candidate.result !== undefined || candidate.error !== undefined),
			);
	} catch {
		message = undefined;
	}
	return { status: response.status, headers: response.headers, body, ...(message ? { message } : {}) };
}

function rpcBody(method: string, params: Record<string, unknown> | undefined, id: string | number): string {
	return JSON.stringify({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) });
}

class LegacyMcpLane implements RawLane {
	readonly kind = "legacy-mcp" as const;
	#nextId = 100;

	private constructor(
		readonly options: LaneOptions,
		readonly sessionId: string,
		readonly version: string,
	) {}

	static async open(options: LaneOptions): Promise<LegacyMcpLane> {
		const version = options.version ?? LEGACY_VERSION;
		const url = endpointUrl(options.origin, "/mcp", options.query);
		const headers = legacyHeaders(options.token, undefined, version);
		const initialized = await options.send(new Request(url, { method: "POST", headers, body: initializeBody({ version }) }));
		await initialized.text();
		const sessionId = initialized.headers.get("mcp-session-id");
		if (initialized.status !== 200 || !sessionId) throw new Error(`initialize failed: ${initialized.status}`);
		const notified = await options.send(
			new Request(url, {
				method: "POST",
				headers: legacyHeaders(options.token, sessionId, version),
				body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
			}),
		);
		await notified.text();
		return new LegacyMcpLane(options, sessionId, version);
	}

	request(method: string, params?: Record<string, unknown>, options: PostOptions = {}): Promise<LaneReply> {
		const id = options.id ?? this.#nextId++;
		const body = rpcBody(method, params, id);
		return this.post(options.rewrite ? options.rewrite(body) : body, { ...options, id });
	}

	async post(body: string, options: PostOptions = {}): Promise<LaneReply> {
		const sessionId = options.sessionId === undefined ? this.sessionId : options.sessionId;
		const base = legacyHeaders(this.options.token, sessionId ?? undefined, this.version);
		const url = endpointUrl(this.options.origin, "/mcp", this.options.query, options.query);
		const response = await this.options.send(
			new Request(url, { method: "POST", headers: withOverrides(base, options, this.options.token), body }),
		);
		return replyOf(response, options.id);
	}

	async close(): Promise<void> {
		const response = await this.options.send(
			new Request(endpointUrl(this.options.origin, "/mcp", this.options.query), {
				method: "DELETE",
				headers: legacyHeaders(this.options.token, this.sessionId, this.version),
			}),
		);
		await response.body?.cancel();
	}
}

/** Reads an SSE stream in the background: the endpoint event, then JSON-RPC messages. */
class SseStream {
	endpoint: string | null = null;
	readonly messages: JsonRpcMessage[] = [];
	#buffer = "";
	#ended = false;
	#wake: (() => void)[] = [];
	readonly #decoder = new TextDecoder();

	constructor(readonly reader: ReadableStreamDefaultReader<Uint8Array>) {
		void this.#pump();
	}

	async #pump(): Promise<void> {
		try {
			for (;;) {
				const { done, value } = await this.reader.read();
				if (done) break;
				this.#buffer += this.#decoder.decode(value, { stream: true });
				this.#drain();
			}
		} catch {
			// Cancelled or broken: nothing more will come.
		} finally {
			this.#ended = true;
			this.#notify();
		}
	}

	#drain(): void {
		for (;;) {
			const end = this.#buffer.search(/\r?\n\r?\n/);
			if (end < 0) break;
			const event = this.#buffer.slice(0, end);
			this.#buffer = this.#buffer.slice(end).replace(/^\r?\n\r?\n/, "");
			const lines = event.split(/\r?\n/);
			const name =
				lines
					.find((line) => line.startsWith("event:"))
					?.slice(6)
					.trim() ?? "message";
			const data = lines
				.filter((line) => line.startsWith("data:"))
				.map((line) => line.slice(5).trimStart())
				.join("\n");
			if (name === "endpoint") this.endpoint = data;
			else if (data.trim() !== "") {
				try {
					this.messages.push(JSON.parse(data) as JsonRpcMessage);
				} catch {
					// Not JSON: keep-alives and the like.
				}
			}
		}
		this.#notify();
	}

	#notify(): void {
		for (const wake of this.#wake.splice(0)) wake();
	}

	/** Resolves with the first value `find` returns, or undefined when the stream ends or time runs out. */
	async until<T>(find: () => T | undefined, timeoutMs = SSE_ANSWER_TIMEOUT_MS): Promise<T | undefined> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = find();
			if (found !== undefined || this.#ended) return found;
			const remaining = deadline - Date.now();
			if (remaining <= 0) return undefined;
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, remaining);
				this.#wake.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}
}

class LegacySseLane implements RawLane {
	readonly kind = "legacy-sse" as const;
	#nextId = 100;

	private constructor(
		readonly options: LaneOptions,
		readonly stream: SseStream,
		readonly endpoint: URL,
	) {}

	get sessionId(): string | null {
		return this.endpoint.searchParams.get("sessionId");
	}

	static async open(options: LaneOptions): Promise<LegacySseLane> {
		const response = await options.send(
			new Request(endpointUrl(options.origin, "/sse", options.query), {
				headers: { Authorization: `Bearer ${options.token}`, Accept: "text/event-stream" },
			}),
		);
		if (response.status !== 200 || !response.body) throw new Error(`SSE stream failed: ${response.status} ${await response.text()}`);
		const stream = new SseStream(response.body.getReader());
		const endpoint = await stream.until(() => stream.endpoint ?? undefined);
		if (!endpoint) throw new Error("the SSE stream named no endpoint");
		const lane = new LegacySseLane(options, stream, endpointUrl(options.origin, endpoint, options.query));
		const initialized = await lane.request("initialize", JSON.parse(initializeBody()).params, { id: "initialize" });
		if (!initialized.message?.result) throw new Error(`SSE initialize failed: ${initialized.status} ${initialized.body}`);
		await lane.post(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
		return lane;
	}

	request(method: string, params?: Record<string, unknown>, options: PostOptions = {}): Promise<LaneReply> {
		const id = options.id ?? this.#nextId++;
		const body = rpcBody(method, params, id);
		return this.post(options.rewrite ? options.rewrite(body) : body, { ...options, id });
	}

	async post(body: string, options: PostOptions = {}): Promise<LaneReply> {
		const url = new URL(this.endpoint);
		if (options.sessionId === null) url.searchParams.delete("sessionId");
		else if (options.sessionId !== undefined) url.searchParams.set("sessionId", options.sessionId);
		for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
		const headers = withOverrides({ "Content-Type": "application/json" }, options, this.options.token);
		const response = await this.options.send(new Request(url, { method: "POST", headers, body }));
		const text = await response.text();
		const reply: LaneReply = { status: response.status, headers: response.headers, body: text };
		if (response.status === 202 && options.id !== undefined) {
			const id = options.id;
			const message = await this.stream.until(() => this.stream.messages.find((candidate) => candidate.id === id));
			if (message) reply.message = message;
		} else if (response.status !== 202) {
			return replyOf(new Response(text, { status: response.status, headers: response.headers }), options.id);
		}
		return reply;
	}

	async close(): Promise<void> {
		await this.stream.reader.cancel().catch(() => {});
	}
}

class ModernLane implements RawLane {
	readonly kind = "modern" as const;
	readonly sessionId = null;
	#nextId = 100;

	constructor(readonly options: LaneOptions) {}

	async request(method: string, params: Record<string, unknown> = {}, options: PostOptions = {}): Promise<LaneReply> {
		const id = options.id ?? this.#nextId++;
		const { body, headers } = modernRequest(method, params, { id });
		return this.#send(options.rewrite ? options.rewrite(body) : body, headers, { ...options, id });
	}

	post(body: string, options: PostOptions = {}): Promise<LaneReply> {
		return this.#send(body, { "Content-Type": "application/json", Accept: MCP_ACCEPT, "MCP-Protocol-Version": MODERN_VERSION }, options);
	}

	async #send(body: string, base: Record<string, string>, options: PostOptions): Promise<LaneReply> {
		const url = endpointUrl(this.options.origin, "/mcp", this.options.query, options.query);
		const response = await this.options.send(
			new Request(url, { method: "POST", headers: withOverrides(base, options, this.options.token), body }),
		);
		return replyOf(response, options.id);
	}

	async close(): Promise<void> {}
}
