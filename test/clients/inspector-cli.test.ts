/**
 * The MCP Inspector's CLI mode, run with the README's commands against a real `wrangler dev`.
 * The Inspector CLI does OAuth itself: it registers, starts a loopback callback listener, prints
 * the authorization URL and opens the browser (`open` → xdg-open → $BROWSER, handed to this
 * test), waits for the code, exchanges it and stores the tokens in its own store. A real Chromium
 * approves our consent page and signs in at the GitHub stand-in. The second command then calls a
 * tool with the stored sign-in, with no browser.
 *
 * Without a terminal the Inspector refuses interactive OAuth unless MCP_AUTO_OPEN_ENABLED=true
 * (its documented switch for this); a person at a terminal needs nothing extra.
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type InspectorTransport, inspectorCallToolCommand, inspectorListToolsCommand } from "../../src/auth/connect-instructions";
import { freePort } from "../support/ports";
import { createBrowserHandoff, newLoopbackContext, signInThroughBrowser } from "./browser";
import { clientEnvironment, runClient, startClient, useClientProgramBed } from "./processes";

const bed = useClientProgramBed("inspector-cli-test-");

/** The Inspector's stores (catalog, client config, OAuth state, secrets) in a folder of this test's own. */
function inspectorEnvironment(name: string, callbackPort: number, browserEnv: Record<string, string>) {
	const storage = join(bed.scratch, name);
	return clientEnvironment({
		...browserEnv,
		MCP_AUTO_OPEN_ENABLED: "true",
		MCP_OAUTH_CALLBACK_URL: `http://127.0.0.1:${callbackPort}/oauth/callback`,
		MCP_STORAGE_DIR: storage,
		MCP_CATALOG_PATH: join(storage, "mcp.json"),
		MCP_CLIENT_CONFIG_PATH: join(storage, "client.json"),
		MCP_INSPECTOR_SECRET_STORE: "file",
	});
}

/** The CLI prints the result as pretty JSON after any status lines; take the last JSON document. */
function lastJson(stdout: string): unknown {
	const start = stdout.search(/^[{[]/m);
	if (start < 0) throw new Error(`no JSON in the Inspector's output:\n${stdout}`);
	return JSON.parse(stdout.slice(start));
}

describe.each<[InspectorTransport, string]>([
	["http", "/mcp"],
	["sse", "/sse"],
])("MCP Inspector CLI, --transport %s (%s)", (transport, path) => {
	const handoff = () => createBrowserHandoff(join(bed.scratch, `browser-${transport}`));
	let callbackPort = 0;

	it("signs in through the browser on the first command and lists the tools", async () => {
		callbackPort = await freePort();
		const browserHandoff = handoff();
		const url = `${bed.server.origin}${path}`;
		const cli = startClient(inspectorListToolsCommand(url, transport), {
			env: inspectorEnvironment(`store-${transport}`, callbackPort, browserHandoff.env),
		});
		cli.child.stdin?.end();

		const authorizationUrl = new URL(await browserHandoff.nextUrl(45_000));
		expect(authorizationUrl.origin).toBe(bed.server.origin);
		expect(authorizationUrl.pathname).toBe("/authorize");
		expect(authorizationUrl.searchParams.get("redirect_uri")).toBe(`http://127.0.0.1:${callbackPort}/oauth/callback`);

		const { context } = await newLoopbackContext(bed.browser);
		const signIn = await signInThroughBrowser(context, authorizationUrl.href, {
			consent: "approve",
			screenshotPrefix: `inspector-${transport}`,
		});
		await context.close();
		expect(signIn.pages).toEqual(expect.arrayContaining(["/authorize", "/login/oauth/authorize", "/callback"]));
		expect(signIn.finalText).toContain("OAuth complete"); // the Inspector's own page, after its token exchange

		const code = await Promise.race([cli.exited, new Promise((resolve) => setTimeout(() => resolve("timeout"), 45_000))]);
		expect(code, `the Inspector printed:\n${cli.stderr()}\n${cli.stdout()}`).toBe(0);
		const { tools } = lastJson(cli.stdout()) as { tools: { name: string }[] };
		expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["whoami", "add", "list_repos"]));
	});

	it("calls a tool with the stored sign-in on the next command, without opening the browser", async () => {
		const browserHandoff = handoff();
		const opened = browserHandoff.count();
		const result = await runClient(inspectorCallToolCommand(`${bed.server.origin}${path}`, transport, "whoami"), {
			env: inspectorEnvironment(`store-${transport}`, callbackPort, browserHandoff.env),
			timeoutMs: 45_000,
		});
		expect(result.code, `the Inspector printed:\n${result.stderr}\n${result.stdout}`).toBe(0);
		const { content } = lastJson(result.stdout) as { content: { type: string; text: string }[] };
		expect(JSON.parse(content[0]?.text ?? "{}")).toMatchObject({ login: "octocat", id: "583231" });
		expect(browserHandoff.count()).toBe(opened);
	});

	// Which lane the Inspector reached shows in the counter's owner: in its default (legacy) era every
	// CLI run is a new MCP session on the McpAgent lane, whose counter starts at zero; pinned to the
	// modern era (2026-07-28), the stateless lane keeps one counter per user across runs.
	it.each<[string, string[], string[]]>([
		["its default era reaches the McpAgent lane: each run is a new session", [], ["The counter is now 2.", "The counter is now 2."]],
		...(transport === "http"
			? ([
					[
						"--protocol-era modern reaches the stateless lane: the counter is the user's",
						["--protocol-era", "modern"],
						["The counter is now 2.", "The counter is now 4."],
					],
				] as [string, string[], string[]][])
			: []),
	])("%s", async (_label, extra, expected) => {
		const browserHandoff = handoff();
		const texts: string[] = [];
		for (let run = 0; run < expected.length; run++) {
			const argv = [
				...inspectorCallToolCommand(`${bed.server.origin}${path}`, transport, "add_to_counter"),
				"--tool-arg",
				"amount=2",
				...extra,
			];
			const result = await runClient(argv, {
				env: inspectorEnvironment(`store-${transport}`, callbackPort, browserHandoff.env),
				timeoutMs: 45_000,
			});
			expect(result.code, `the Inspector printed:\n${result.stderr}\n${result.stdout}`).toBe(0);
			const { content } = lastJson(result.stdout) as { content: { type: string; text: string }[] };
			texts.push(content[0]?.text ?? "");
		}
		expect(texts).toEqual(expected);
	});
});
