/** How tests inside workerd reach the Worker: its default export, called as the runtime would. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { Send } from "../support/oauth-flow";

export type TestEnv = typeof env;

/**
 * Sends requests to the Worker with the test env (optionally overridden). Like the runtime, it
 * hands every request the same env object, so state a library leaves on env is seen by the next
 * request, as in production.
 */
export function workerSend(override: Partial<Record<keyof TestEnv, unknown>> = {}): Send {
	const requestEnv = (Object.keys(override).length > 0 ? { ...env, ...override } : env) as TestEnv;
	return async (request) => {
		const ctx = createExecutionContext();
		const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], requestEnv, ctx);
		// A streamed MCP response is read by the caller after this returns; waiting here would stall it.
		if (!response.headers.get("Content-Type")?.includes("text/event-stream")) await waitOnExecutionContext(ctx);
		return response;
	};
}
