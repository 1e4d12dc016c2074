/**
 * The newest MCP client library (@modelcontextprotocol/client 2.x), as a native remote-capable
 * client uses it: its own OAuth machinery (discovery, dynamic registration, PKCE, RFC 8707
 * resource, RFC 9207 issuer check, token exchange) through an OAuthClientProvider whose
 * redirectToAuthorization opens a real Chromium, which approves our consent page and signs in at
 * the GitHub stand-in; the code comes back to a loopback redirect URI, as for a desktop app.
 *
 * The client negotiates in `auto` mode: it probes for the 2026-07-28 era first (server/discover)
 * and falls back to the 2025 `initialize` handshake only when the server does not answer the probe.
 */

import {
	Client,
	type OAuthClientProvider,
	SSEClientTransport,
	StreamableHTTPClientTransport,
	UnauthorizedError,
} from "@modelcontextprotocol/client";
import { SUPPORTED_PROTOCOL_VERSIONS as SERVER_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_NAME } from "../../src/server-info";
import { type DevServer, startDevServer } from "../e2e/dev-server";
import { InMemoryOAuthProvider } from "../support/sdk-oauth-provider";
import {
	launchChromium,
	newLoopbackContext,
	type RedirectListener,
	type SignInResult,
	signInThroughBrowser,
	startRedirectListener,
} from "./browser";

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let external: string[];
let redirect: RedirectListener;

beforeAll(async () => {
	[server, browser, redirect] = await Promise.all([startDevServer(), launchChromium(), startRedirectListener()]);
	({ context, external } = await newLoopbackContext(browser));
});

afterAll(async () => {
	await context?.close();
	await browser?.close();
	await redirect?.close();
	await server?.stop();
});

/** An app's OAuth state, in memory; "redirecting the user" opens the page in Chromium. */
class BrowserOAuthProvider extends InMemoryOAuthProvider implements OAuthClientProvider {
	signIn: Promise<SignInResult> | undefined;

	constructor(redirectUri: string) {
		super(redirectUri, "MCP client 2.x test app");
	}

	override redirectToAuthorization(authorizationUrl: URL): void {
		this.signIn = signInThroughBrowser(context, authorizationUrl.href, { consent: "approve", screenshotPrefix: "mcp-client-v2" });
	}
}

type Kind = "streamable-http" | "sse";
const transportFor = (kind: Kind, provider: BrowserOAuthProvider) =>
	kind === "streamable-http"
		? new StreamableHTTPClientTransport(new URL("/mcp", server.origin), { authProvider: provider })
		: new SSEClientTransport(new URL("/sse", server.origin), { authProvider: provider });
const newClient = () => new Client({ name: "mcp-client-v2-test", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });

describe.each<Kind>(["streamable-http", "sse"])("@modelcontextprotocol/client 2.x over %s", (kind) => {
	it("signs in with its own OAuth provider API and a real browser, then lists and calls tools", async () => {
		const provider = new BrowserOAuthProvider(redirect.url);
		const first = transportFor(kind, provider);
		await expect(newClient().connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
		if (!provider.signIn) throw new Error("the client never sent the user to authorize");
		const signIn = await provider.signIn;
		expect(signIn.consentHeading).toBe(`Allow MCP client 2.x test app to use ${SERVER_NAME} as you?`);
		const callback = await redirect.next(10_000);
		expect(callback.get("code")).toBeTruthy();
		// The SDK checks `iss` (RFC 9207) against the authorization server it discovered, then redeems the code.
		await first.finishAuth(callback);
		expect(provider.storedTokens?.access_token).toBeTruthy();

		const client = newClient();
		await client.connect(transportFor(kind, provider));
		const version = client.getNegotiatedProtocolVersion();
		// In its `auto` mode the client probes with server/discover: over Streamable HTTP this server
		// answers, so the client settles on 2026-07-28 (the stateless lane); the HTTP+SSE transport
		// predates that revision and stays on the McpAgent lane.
		if (kind === "streamable-http") {
			expect(version).toBe("2026-07-28");
			expect(client.getProtocolEra()).toBe("modern");
		} else {
			expect(SERVER_PROTOCOL_VERSIONS).toContain(version);
			expect(client.getProtocolEra()).toBe("legacy");
		}
		expect(client.getServerVersion()?.name).toBe(SERVER_NAME);

		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["whoami", "add", "list_repos"]));
		const whoami = await client.callTool({ name: "whoami", arguments: {} });
		expect(whoami.structuredContent).toMatchObject({ login: "octocat", id: "583231" });
		const sum = await client.callTool({ name: "add", arguments: { a: 19, b: 23 } });
		expect(sum.content).toEqual([{ type: "text", text: "42" }]);
		await client.close();
		expect(external).toEqual([]);
	});
});
