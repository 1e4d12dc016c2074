/**
 * The part of the load run that goes over our limits on purpose, with its own user and grant, on
 * the wire (so the status and headers are seen as they are): the open-sessions limit per grant
 * (MAX_SESSIONS_PER_GRANT) and the tool-call limit per user (TOOL_CALL_RATE_LIMITER). Each must
 * answer 429 with Retry-After; these answers are counted as "limited", never as failures.
 */
import { initializeBody, LEGACY_VERSION, legacyHeaders, modernRequest, readMessages } from "../support/mcp-wire";

export interface LimitSeen {
	limit: string;
	status: number;
	retryAfter: string | null;
	/** Requests sent until the first 429. */
	after: number;
}

async function limitedAnswer(response: Response): Promise<string> {
	const body = (await response.json().catch(() => null)) as { error?: { data?: { limit?: unknown } } } | null;
	return typeof body?.error?.data?.limit === "string" ? body.error.data.limit : "(no limit named)";
}

/** Opens sessions on one grant until the server refuses one; at most `max` + 1. */
export async function overTheSessionLimit(origin: string, token: string, max: number, fetcher: typeof fetch): Promise<LimitSeen | null> {
	for (let n = 1; n <= max + 1; n++) {
		const response = await fetcher(new URL("/mcp", origin), {
			method: "POST",
			headers: legacyHeaders(token, undefined, LEGACY_VERSION),
			body: initializeBody({ version: LEGACY_VERSION, id: n }),
		});
		if (response.status === 429) {
			return { limit: await limitedAnswer(response), status: 429, retryAfter: response.headers.get("Retry-After"), after: n };
		}
		await readMessages(response);
		if (response.status !== 200) throw new Error(`initialize ${n}: HTTP ${response.status}`);
	}
	return null;
}

/**
 * Calls a tool that needs nothing but the server (`add`, on the stateless lane) until the server
 * refuses a call, `parallel` at a time, at most `max` calls. The limit counts per fixed minute,
 * so a burst may straddle two minutes: `max` covers that.
 */
export async function overTheToolCallLimit(
	origin: string,
	token: string,
	fetcher: typeof fetch,
	{ parallel = 4, max = 400 } = {},
): Promise<LimitSeen | null> {
	let sent = 0;
	let seen: LimitSeen | null = null;
	const worker = async () => {
		while (!seen && sent < max) {
			const id = ++sent;
			const { body, headers } = modernRequest("tools/call", { name: "add", arguments: { a: id, b: 1 } }, { id });
			const response = await fetcher(new URL("/mcp", origin), {
				method: "POST",
				headers: { ...headers, Authorization: `Bearer ${token}` },
				body,
			});
			if (response.status === 429) {
				seen ??= { limit: await limitedAnswer(response), status: 429, retryAfter: response.headers.get("Retry-After"), after: id };
				return;
			}
			await readMessages(response);
			if (response.status !== 200) throw new Error(`tools/call ${id}: HTTP ${response.status}`);
		}
	};
	await Promise.all(Array.from({ length: parallel }, worker));
	return seen;
}
