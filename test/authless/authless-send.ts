/** How the authless tests reach that Worker: its default export, with the test env (optionally overridden). */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/authless";
import type { Send } from "../support/oauth-flow";

/** The origin the authless tests serve the Worker on (ALLOWED_HOSTS in vitest.config.ts). */
export const AUTHLESS_ORIGIN = "https://public.example.com";

export function authlessSend(override: Record<string, unknown> = {}): Send {
	const requestEnv = (Object.keys(override).length > 0 ? { ...env, ...override } : env) as typeof env;
	return async (request) => {
		const ctx = createExecutionContext();
		const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], requestEnv, ctx);
		if (!response.headers.get("Content-Type")?.includes("text/event-stream")) await waitOnExecutionContext(ctx);
		return response;
	};
}
