/**
 * `npm start` as a newcomer runs it: no .dev.vars, no GitHub OAuth App. It must serve the Worker
 * offline, start the GitHub development stand-in (and say so), let a real MCP client sign in end
 * to end, and print no warning when nothing is wrong. The same for an old .dev.vars that still
 * names the session secret COOKIE_ENCRYPTION_KEY, for `npm run dev:authless`, and for the stand-in's
 * GitHub App (GITHUB_STANDIN_MODE=github-app), which must run the Worker in GitHub App mode.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CLIENTS } from "../../scripts/github-standin/seed.mjs";
import { PROJECT_ROOT, waitForHttp } from "../../scripts/wrangler-dev.mjs";
import { modernRequest, readResponse } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { freePort } from "../support/ports";

/** Signs in as the stand-in's octocat and calls whoami on the 2026-07-28 lane. */
async function whoami(origin: string): Promise<unknown> {
	const flow = new OAuthFlow({ origin });
	const { accessToken } = await flow.signIn();
	const call = modernRequest("tools/call", { name: "whoami", arguments: {} });
	const response = await flow.request("/mcp", {
		method: "POST",
		headers: { ...call.headers, Authorization: `Bearer ${accessToken}` },
		body: call.body,
	});
	return (await readResponse(response)).result?.structuredContent;
}

/** What must never appear when nothing is wrong (wrangler's warnings, and the library's). */
const WARNINGS = [/▲ \[WARNING\]/, /\[WARNING\]/, /Missing required secrets/, /global_fetch_strictly_public/, /CIMD .* is disabled/];

interface Started {
	origin: string;
	standInPort: number;
	output(): string;
	stop(): Promise<void>;
}

async function start(script: string[], env: Record<string, string>): Promise<Started> {
	const port = await freePort();
	const standInPort = await freePort();
	const origin = `http://localhost:${port}`;
	let output = "";
	const child: ChildProcess = spawn("npm", [...script, "--silent"], {
		cwd: PROJECT_ROOT,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
		env: { ...process.env, PORT: String(port), GITHUB_STANDIN_PORT: String(standInPort), ...env },
	});
	child.stdout?.on("data", (chunk: Buffer) => {
		output += chunk.toString();
	});
	child.stderr?.on("data", (chunk: Buffer) => {
		output += chunk.toString();
	});
	await waitForHttp(`${origin}/`, 90_000).catch((error: Error) => {
		throw new Error(`${error.message}\n${output}`);
	});
	return {
		origin,
		standInPort,
		output: () => output,
		async stop() {
			if (child.pid && child.exitCode === null) {
				const exited = new Promise((resolve) => child.once("exit", resolve));
				process.kill(-child.pid, "SIGINT");
				const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 8_000);
				await exited;
				clearTimeout(timer);
			}
		},
	};
}

function expectNoWarning(output: string): void {
	for (const warning of WARNINGS) expect(output, `output:\n${output}`).not.toMatch(warning);
}

describe("npm start with nothing configured", () => {
	let server: Started;
	beforeAll(async () => {
		server = await start(["start"], { DEV_VARS_FILE: join(PROJECT_ROOT, "no-such-dev-vars") });
	});
	afterAll(async () => {
		await server?.stop();
	});

	it("says it is using the GitHub development stand-in, and where the MCP server is", () => {
		expect(server.output()).toContain("GitHub development stand-in");
		expect(server.output()).toContain(`${server.origin}/mcp`);
	});

	it("serves a stand-in page labelled as a development stand-in", async () => {
		const page = await (await fetch(`http://127.0.0.1:${server.standInPort}/`)).text();
		expect(page).toMatch(/development stand-in/i);
	});

	it("lets an MCP client sign in end to end and call whoami", async () => {
		expect(await whoami(server.origin)).toMatchObject({ login: "octocat", id: "583231" });
	});

	it("printed no warning, once the Worker has served a sign-in and MCP", () => {
		expectNoWarning(server.output());
	});
});

describe("GITHUB_STANDIN_MODE=github-app npm start", () => {
	let server: Started;
	beforeAll(async () => {
		server = await start(["start"], { DEV_VARS_FILE: join(PROJECT_ROOT, "no-such-dev-vars"), GITHUB_STANDIN_MODE: "github-app" });
	});
	afterAll(async () => {
		await server?.stop();
	});

	it("signs in through the stand-in's GitHub App in App mode: no OAuth scopes asked for, installation links", async () => {
		expect(server.output()).toContain("GITHUB_STANDIN_MODE=github-app");
		const flow = new OAuthFlow({ origin: server.origin });
		const clientId = (await flow.register()).client_id;
		const consent = await flow.openConsent(clientId);
		const approved = await flow.submitConsent(consent, "approve");
		const githubAuthorize = new URL(approved.headers.get("Location") ?? "");
		expect(githubAuthorize.searchParams.get("client_id")).toBe(DEFAULT_CLIENTS.app.clientId);
		expect(githubAuthorize.searchParams.has("scope")).toBe(false);

		const code = await flow.codeAfterApproval(approved, consent.jar, "octocat");
		const { access_token: accessToken } = (await (await flow.exchangeCode(clientId, code, consent.pkce.verifier)).json()) as {
			access_token: string;
		};
		// The app is installed on octocat's account only: hubot's repository is out of its reach,
		// and the tool error links to the app's installation page (GITHUB_APP_SLUG reached the Worker).
		const call = modernRequest("tools/call", { name: "get_repo", arguments: { owner: "hubot", repo: "scratch-npm-start" } });
		const response = await flow.request("/mcp", {
			method: "POST",
			headers: { ...call.headers, Authorization: `Bearer ${accessToken}` },
			body: call.body,
		});
		const result = (await readResponse(response)).result as { isError?: boolean; content: { text: string }[] };
		expect(result.isError).toBe(true);
		expect(result.content[0]?.text).toContain(`http://127.0.0.1:${server.standInPort}/apps/${DEFAULT_CLIENTS.app.slug}/installations/new`);
		expectNoWarning(server.output());
	});
});

describe("npm start with an old .dev.vars (COOKIE_ENCRYPTION_KEY)", () => {
	let server: Started;
	let directory: string;
	beforeAll(async () => {
		directory = mkdtempSync(join(tmpdir(), "old-dev-vars-"));
		const devVars = join(directory, ".dev.vars");
		writeFileSync(
			devVars,
			[
				"GITHUB_CLIENT_ID=<your-github-oauth-app-client-id>",
				"GITHUB_CLIENT_SECRET=<your-github-oauth-app-client-secret>",
				`COOKIE_ENCRYPTION_KEY=${"0123456789abcdef".repeat(4)}`,
			].join("\n"),
		);
		server = await start(["start"], { DEV_VARS_FILE: devVars });
	});
	afterAll(async () => {
		await server?.stop();
		rmSync(directory, { recursive: true, force: true });
	});

	it("says in one line that it uses the old name as SESSION_SECRET, signs in, and prints no warning", async () => {
		const notices = server
			.output()
			.split("\n")
			.filter((line) => line.includes("COOKIE_ENCRYPTION_KEY"));
		expect(notices).toHaveLength(1);
		expect(notices[0]).toContain("SESSION_SECRET");
		expect(await whoami(server.origin)).toMatchObject({ login: "octocat" });
		expectNoWarning(server.output());
	});
});

describe("npm run dev:authless", () => {
	let server: Started;
	beforeAll(async () => {
		server = await start(["run", "dev:authless"], {});
	});
	afterAll(async () => {
		await server?.stop();
	});

	it("serves MCP without sign-in and prints no warning", async () => {
		const response = await fetch(`${server.origin}/mcp`, {
			method: "POST",
			headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
			body: JSON.stringify({
				jsonrpc: "2.0",
				id: 1,
				method: "initialize",
				params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "npm-start-test", version: "1.0.0" } },
			}),
		});
		expect(response.status).toBe(200);
		await response.body?.cancel();
		expect(server.output()).toContain("Authless MCP server");
		expectNoWarning(server.output());
	});
});
