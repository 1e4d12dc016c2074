/**
 * The load run's share of the tool-call limit (TOOL_CALL_RATE_LIMITER, 120 a minute per user), so
 * that the run measures faults and not the limit. The limit is a rate-limiting binding, not a
 * setting the run could raise, so each user's clients wait here before each tools/call request.
 */

/**
 * At most `perMinute` tool calls in any 60 seconds, for one user's clients together. Over a
 * sliding window, so no fixed window of the server's limiter (TOOL_CALL_RATE_LIMITER) sees more.
 */
export class Pacer {
	#sent: number[] = [];

	constructor(readonly perMinute: number) {}

	/** Waits for a place; resolves to how long it waited, in ms. */
	async take(): Promise<number> {
		const began = Date.now();
		for (;;) {
			const now = Date.now();
			while (this.#sent.length > 0 && (this.#sent[0] ?? 0) <= now - 60_000) this.#sent.shift();
			if (this.#sent.length < this.perMinute) {
				this.#sent.push(now);
				return now - began;
			}
			await new Promise((resolve) => setTimeout(resolve, (this.#sent[0] ?? now) + 60_000 - now + 10));
		}
	}
}
