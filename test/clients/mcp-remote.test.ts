/**
 * mcp-remote, started exactly as the README's Claude Desktop configuration starts it
 * (`npx -y mcp-remote@<pinned> <url>`), against a real `wrangler dev`. It registers itself,
 * "opens the browser" (its `open` → xdg-open → $BROWSER, which hands the URL to this test), and a
 * real Chromium approves our consent page and signs in at the GitHub stand-in; mcp-remote gets the
 * code at its own loopback callback, exchanges it, and then answers an MCP client on stdio, as
 * Claude Desktop talks to it.
 */
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { mcpRemoteCommand } from "../../src/auth/connect-instructions";
import { SERVER_NAME } from "../../src/server-info";
import { createBrowserHandoff, newLoopbackContext, signInThroughBrowser } from "./browser";
import { clientEnvironment, startClient, useClientProgramBed } from "./processes";
import { ChildProcessTransport } from "./stdio-transport";

const bed = useClientProgramBed("mcp-remote-test-");

function text(result: unknown): string {
	return ((result as CallToolResult).content ?? []).map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

/** Starts mcp-remote as a desktop client does and connects to it over stdio (initialize). */
function startMcpRemote(url: string, configDir: string, handoff: ReturnType<typeof createBrowserHandoff>) {
	const proxy = startClient(mcpRemoteCommand(url), {
		env: clientEnvironment({ ...handoff.env, MCP_REMOTE_CONFIG_DIR: configDir }),
		stdoutIsProtocol: true,
	});
	const client = new Client({ name: "claude-desktop-stand-in", version: "1.0.0" });
	const connected = client.connect(new ChildProcessTransport(proxy.child), { timeout: 60_000 }).catch((error: Error) => {
		throw new Error(`${error.message}\nmcp-remote printed:\n${proxy.stderr()}`);
	});
	return { proxy, client, connected };
}

describe.each([
	["/mcp", "the URL from the README"],
	["/sse", "the legacy SSE URL"],
])("mcp-remote with %s (%s)", (path) => {
	const configDir = () => join(bed.scratch, `config${path.replace("/", "-")}`);
	const handoff = () => createBrowserHandoff(join(bed.scratch, `browser${path.replace("/", "-")}`));

	it("signs in through the browser, then answers initialize, tools/list and tools/call over stdio", async () => {
		const browserHandoff = handoff();
		const { proxy, client, connected } = startMcpRemote(`${bed.server.origin}${path}`, configDir(), browserHandoff);

		const authorizationUrl = new URL(await browserHandoff.nextUrl(45_000));
		expect(authorizationUrl.origin).toBe(bed.server.origin);
		expect(authorizationUrl.pathname).toBe("/authorize");
		expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");

		const { context } = await newLoopbackContext(bed.browser);
		const signIn = await signInThroughBrowser(context, authorizationUrl.href, {
			consent: "approve",
			screenshotPrefix: `mcp-remote${path.replace("/", "-")}`,
		});
		await context.close();
		expect(signIn.consentHeading).toMatch(/^Allow .+ to use GitHub MCP Server as you\?$/);
		expect(signIn.pages).toEqual(expect.arrayContaining(["/authorize", "/login/oauth/authorize", "/callback"]));
		expect(signIn.finalUrl.searchParams.has("code")).toBe(true);
		expect(signIn.finalText).toContain("Authorization successful"); // mcp-remote's own page, after its token exchange

		await connected;
		expect(client.getServerVersion()?.name).toBe(SERVER_NAME);

		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["whoami", "add", "list_repos"]));
		expect(JSON.parse(text(await client.callTool({ name: "whoami", arguments: {} })))).toMatchObject({ login: "octocat", id: "583231" });
		expect(text(await client.callTool({ name: "add", arguments: { a: 19, b: 23 } }))).toBe("42");
		// mcp-remote speaks MCP 2025-11-25: it reaches the McpAgent lane, whose counter is the session's.
		expect(text(await client.callTool({ name: "add_to_counter", arguments: { amount: 5 } }))).toBe("The counter is now 5.");

		await client.close();
		await proxy.stop();
	});

	it("starts again with the stored sign-in, without opening the browser", async () => {
		const browserHandoff = handoff();
		const opened = browserHandoff.count();
		const { proxy, client, connected } = startMcpRemote(`${bed.server.origin}${path}`, configDir(), browserHandoff);
		await connected;
		expect(JSON.parse(text(await client.callTool({ name: "whoami", arguments: {} })))).toMatchObject({ login: "octocat" });
		// A new MCP session (a new McpAgent Durable Object): its counter starts again at zero.
		expect(text(await client.callTool({ name: "add_to_counter", arguments: { amount: 1 } }))).toBe("The counter is now 1.");
		expect(browserHandoff.count()).toBe(opened);
		await client.close();
		await proxy.stop();
	});
});
