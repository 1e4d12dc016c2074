/**
 * The connected apps page in a real browser (headless Chromium) against a real `wrangler dev`:
 * the user signs in with GitHub (the stand-in) on /connections, sees the MCP clients connected to
 * their account and what they wrote, and revokes one: its tokens stop working at once, the other
 * client's keep working. Another user never sees the first user's clients. Screenshots in light
 * and dark mode and at phone width go to test-output/screenshots/.
 */

import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../e2e/dev-server";
import { HeadlessOAuthProvider } from "../support/headless-oauth";
import { initializeBody, legacyHeaders } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { scratchRepo } from "../support/tool-examples";
import { launchChromium, newLoopbackContext, PHONE_VIEWPORT, renderedText, screenshot, signInOnConnections } from "./browser";

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
	[server, browser] = await Promise.all([startDevServer(), launchChromium()]);
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function mcpStatus(token: string): Promise<number> {
	const response = await fetch(`${server.origin}/mcp`, { method: "POST", headers: legacyHeaders(token), body: initializeBody() });
	await response.body?.cancel();
	return response.status;
}

/** An MCP client named `name` connected to `login`'s account (registration, consent, GitHub, tokens). */
async function connectApp(name: string, login: string, scopes: string[] = []) {
	const flow = new OAuthFlow({ origin: server.origin });
	const { client_id: clientId } = await flow.register({ client_name: name });
	return flow.signIn({ clientId, login, scopes });
}

/** The MCP SDK client as an app does it: its own OAuth (headless), elicitation answered "accept". */
async function connectWriter(): Promise<Client> {
	const provider = new HeadlessOAuthProvider({ consent: "approve", login: "octocat", tick: ["github:write"] });
	const url = new URL("/mcp", server.origin);
	const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
	await expect(new Client({ name: "e2e", version: "1.0.0" }).connect(first)).rejects.toThrow(UnauthorizedError);
	await first.finishAuth(provider.authorizationCode ?? "");
	const client = new Client({ name: "e2e", version: "1.0.0" }, { capabilities: { elicitation: { form: {} } } });
	client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept" }));
	await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
	return client;
}

describe("/connections in a browser", () => {
	it("lists the signed-in user's two apps and what they wrote; Revoke ends one app's access at once, the other keeps working", async () => {
		const editor = await connectApp("Editor Assistant", "octocat", ["github:write"]);
		const notes = await connectApp("Notes Helper", "octocat");
		// A third client writes an issue (confirmed through elicitation): an entry in the audit trail.
		const writer = await connectWriter();
		const repo = scratchRepo("connections");
		const created = await writer.callTool({
			name: "create_issue",
			arguments: { owner: "octocat", repo, title: "Written from the connections test", body: "audit me" },
		});
		expect(created.isError ?? false).toBe(false);
		await writer.close();

		const { context, external } = await newLoopbackContext(browser);
		const page = await signInOnConnections(context, server.origin, "octocat");
		const text = await renderedText(page.locator("main"));
		expect(text).toContain("Editor Assistant");
		expect(text).toContain("Notes Helper");
		expect(text).toContain("E2E Test Client");
		expect(text).toContain("create_issue");
		expect(text).toContain(`octocat/${repo}`);
		for (const [scheme, device] of [
			["light", "desktop"],
			["dark", "desktop"],
		] as const) {
			await page.emulateMedia({ colorScheme: scheme });
			await screenshot(page, `connections-${device}-${scheme}`);
		}

		const editorItem = page.locator("ul.apps > li", { hasText: "Editor Assistant" });
		await editorItem.getByRole("button", { name: "Revoke" }).click();
		await page.waitForURL((url) => url.pathname === "/connections");
		await page.getByText("Signed in as octocat").waitFor();
		const after = await renderedText(page.locator("main"));
		expect(after).not.toContain("Editor Assistant");
		expect(after).toContain("Notes Helper");

		expect(await mcpStatus(editor.accessToken)).toBe(401);
		expect(await mcpStatus(notes.accessToken)).toBe(200);
		expect(external).toEqual([]);
		await context.close();
	});

	it("another user signing in sees only their own apps, never the first user's", async () => {
		await connectApp("Octocat Only App", "octocat");
		await connectApp("Hubot's App", "hubot");
		const { context } = await newLoopbackContext(browser);
		const page = await signInOnConnections(context, server.origin, "hubot");
		const text = await renderedText(page.locator("main"));
		expect(text).toContain("Hubot's App");
		expect(text).not.toContain("Octocat Only App");
		expect(text).not.toContain("Notes Helper");
		await context.close();
	});

	it.each([["light"], ["dark"]] as const)("fits a phone in %s mode, signed out and signed in", async (colorScheme) => {
		const { context } = await newLoopbackContext(browser, {
			colorScheme,
			viewport: PHONE_VIEWPORT,
			isMobile: true,
			hasTouch: true,
			deviceScaleFactor: 2,
		});
		const signedOut = await context.newPage();
		await signedOut.goto(`${server.origin}/connections`);
		await screenshot(signedOut, `connections-signed-out-phone-${colorScheme}`);
		const page = await signInOnConnections(context, server.origin, "octocat");
		await screenshot(page, `connections-phone-${colorScheme}`);
		expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
		await page.getByRole("button", { name: "Sign out" }).click();
		await page.getByRole("button", { name: /^Sign in with / }).waitFor();
		await context.close();
	});
});
