/**
 * What a misconfigured deployment shows (src/config.ts's errors as the Worker serves them): a
 * page naming the missing or weak secret instead of a consent page, never the secret's value; a
 * 500 naming a broken ALLOWED_HOSTS on every request and one config_error log line; and a
 * deployment still on the deprecated COOKIE_ENCRYPTION_KEY keeps working.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromAddress } from "../support/client-address";
import { captureConsole } from "../support/console-capture";
import { discard } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { ORIGIN } from "./harness";
import { workerSend } from "./worker-send";

afterEach(() => {
	vi.restoreAllMocks();
});

describe("a misconfigured deployment", () => {
	const flow = new OAuthFlow({ origin: ORIGIN, send: fromAddress(workerSend()) });

	it("shows a page naming the missing secret instead of a consent page", async () => {
		const { client_id } = await flow.register();
		const response = await fromAddress(workerSend({ GITHUB_CLIENT_SECRET: undefined }))(
			new Request(flow.authorizeUrl(client_id, { verifier: "v", challenge: "c".repeat(43) })),
		);
		const page = await response.text();
		expect(response.status).toBe(500);
		expect(page).toContain("GITHUB_CLIENT_SECRET is not set");
		expect(page).toContain("wrangler secret put");
		expect(response.headers.getSetCookie()).toEqual([]);
	});

	it("never shows the value of a weak secret", async () => {
		const weak = "weak-session-secret";
		const { client_id } = await flow.register();
		const response = await workerSend({ SESSION_SECRET: weak })(
			new Request(flow.authorizeUrl(client_id, { verifier: "v", challenge: "c".repeat(43) })),
		);
		const page = await response.text();
		expect(response.status).toBe(500);
		expect(page).toContain("SESSION_SECRET is too short");
		expect(page).not.toContain(weak);
	});

	it("a broken ALLOWED_HOSTS answers every request with 500 naming it, not the value", async () => {
		const logs = captureConsole();
		const response = await workerSend({ ALLOWED_HOSTS: "https://host-visible-nowhere" })(new Request(new URL("/mcp", ORIGIN)));
		const text = await response.text();
		expect(response.status).toBe(500);
		expect(text).toContain("ALLOWED_HOSTS");
		expect(text).not.toContain("host-visible-nowhere");
		expect(logs()).toContain('"type":"config_error"');
		expect(logs()).not.toContain("host-visible-nowhere");
	});

	it("a deployment still on COOKIE_ENCRYPTION_KEY works: the consent page is served", async () => {
		const { client_id } = await flow.register();
		const response = await workerSend({
			SESSION_SECRET: undefined,
			COOKIE_ENCRYPTION_KEY: "0a1b2c3d4e5f60718293a4b5c6d7e8f9bb",
		} as Parameters<typeof workerSend>[0])(new Request(flow.authorizeUrl(client_id, { verifier: "v", challenge: "c".repeat(43) })));
		expect(response.status).toBe(200);
		await discard(response);
	});
});
