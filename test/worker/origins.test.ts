/**
 * One Worker reached on several hostnames at once (workers.dev and a custom domain; localhost and
 * 127.0.0.1 in development). Every per-origin path must work on each origin whatever origin the
 * isolate served first, and tokens stay bound to the origin that issued them.
 *
 * Regression: the library caches its helpers on `env.OAUTH_PROVIDER`, and the runtime passes one
 * env object to every request of an isolate, so /authorize on the second origin used the first
 * origin's provider and failed with invalid_target.
 */
import { describe, expect, it } from "vitest";
import { initializeBody, legacyHeaders, readResponse } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { workerSend } from "./worker-send";

const send = workerSend();

/** Everything a client does on one origin: metadata, consent, callback, token, /mcp and /sse. */
async function useOrigin(origin: string) {
	const flow = new OAuthFlow({ origin, send });
	const server = (await (await flow.request("/.well-known/oauth-authorization-server")).json()) as Record<string, unknown>;
	expect(server.issuer).toBe(origin);
	const resource = (await (await flow.request("/.well-known/oauth-protected-resource")).json()) as Record<string, unknown>;
	expect(resource.resource).toBe(origin);

	const signedIn = await flow.signIn();

	const initialized = await flow.request("/mcp", { method: "POST", headers: legacyHeaders(signedIn.accessToken), body: initializeBody() });
	expect(initialized.status).toBe(200);
	expect((await readResponse(initialized)).result).toMatchObject({ serverInfo: expect.any(Object) });

	const sse = await flow.request("/sse", { headers: { Authorization: `Bearer ${signedIn.accessToken}`, Accept: "text/event-stream" } });
	expect(sse.status).toBe(200);
	const reader = sse.body?.getReader();
	const first = new TextDecoder().decode((await reader?.read())?.value);
	expect(first).toContain("event: endpoint");
	await reader?.cancel();
	return { flow, signedIn };
}

describe("one isolate serving two origins", () => {
	it.each([
		["https://mcp-a.example.com", "https://mcp-a.my-account.workers.dev"],
		["https://mcp-b.my-account.workers.dev", "https://mcp-b.example.com"],
		["http://localhost:8788", "http://127.0.0.1:8788"],
		["http://127.0.0.1:8790", "http://localhost:8790"],
	])("signs in and serves MCP on %s, then on %s", async (first, second) => {
		const one = await useOrigin(first);
		const two = await useOrigin(second);

		// Each token works where it was issued and nowhere else (RFC 8707 audience).
		for (const [token, origin, status] of [
			[one.signedIn.accessToken, second, 401],
			[two.signedIn.accessToken, first, 401],
			[two.signedIn.accessToken, second, 200],
		] as const) {
			const response = await send(
				new Request(new URL("/mcp", origin), { method: "POST", headers: legacyHeaders(token), body: initializeBody() }),
			);
			expect(response.status, `${origin} with a token from the other origin`).toBe(status);
			await response.body?.cancel();
		}
		// Refresh tokens too.
		const refreshed = await two.flow.refresh(two.signedIn.clientId, two.signedIn.refreshToken);
		expect(refreshed.status).toBe(200);
	});
});
