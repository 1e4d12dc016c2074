/**
 * The load clients' fetch: the real one, with the run's meter around it. Every SDK transport of
 * the run takes it (`fetch` option), so it sees every HTTP request the clients make to our server:
 * the status of each answer, each connection that failed, the body of any 5xx and each 429.
 */
import type { Tally } from "./tally";

/** What the last request of one client ended with, for telling why a call failed. */
export interface WireState {
	status: number | null;
	transportError: boolean;
	/** The HTTP+SSE session id the client posts to (from the endpoint it was given). */
	sseSessionId: string | null;
	/** Every HTTP+SSE session id the client has posted to: more than one means it was moved. */
	sseSessionIds: Set<string>;
}

export function newWireState(): WireState {
	return { status: null, transportError: false, sseSessionId: null, sseSessionIds: new Set() };
}

/** Which part of the run a request belongs to: the load clients, or the part that goes over the limits on purpose. */
export type Part = "load" | "limits";

export function meteredFetch(tally: Tally, state: WireState, part: Part = "load"): typeof fetch {
	return async (input, init) => {
		const url = new URL(input instanceof Request ? input.url : String(input));
		const isPost = (init?.method ?? "GET").toUpperCase() === "POST";
		if (isPost && url.pathname.endsWith("/message")) {
			state.sseSessionId = url.searchParams.get("sessionId");
			if (state.sseSessionId) state.sseSessionIds.add(state.sseSessionId);
		}
		let response: Response;
		try {
			response = await fetch(input, init);
		} catch (error) {
			tally.transport(Date.now());
			if (isPost) state.transportError = true;
			throw error;
		}
		tally.status(response.status);
		if (response.status === 429) {
			const answer = (await response
				.clone()
				.json()
				.catch(() => null)) as { error?: { data?: { limit?: unknown } } } | null;
			const limit = answer?.error?.data?.limit;
			tally.over(part, typeof limit === "string" ? limit : "(no limit named)", response.headers.get("Retry-After"));
		}
		if (isPost && !response.ok) state.status = response.status;
		if (response.status >= 500 && tally.serverErrors.length < 10) {
			const text = await response
				.clone()
				.text()
				.catch(() => "");
			tally.serverErrors.push(`${init?.method ?? "GET"} ${url.pathname} → ${response.status}: ${text.slice(0, 300)}`);
		}
		return response;
	};
}
