/**
 * `GITHUB_STANDIN_MODE=github-app npm start`, with nothing configured: the Worker signs in through
 * the stand-in's GitHub App client and runs in GitHub App mode (scripts/dev.mjs passes the app's
 * slug as GITHUB_APP_SLUG): no OAuth scopes are asked for, and a repository of an account without
 * the app gets a tool error linking to the app's installation page.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CLIENTS } from "../../scripts/github-standin/seed.mjs";
import { PROJECT_ROOT, waitForHttp } from "../../scripts/wrangler-dev.mjs";
import { HeadlessOAuthProvider } from "./headless-oauth";
import { connectWithOAuth, resultText } from "./mcp-connect";

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer().listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
		});
	});
}

let child: ReturnType<typeof spawn>;
let output = "";
let origin = "";
let standIn = "";

beforeAll(async () => {
	const port = await freePort();
	const standInPort = await freePort();
	origin = `http://localhost:${port}`;
	standIn = `http://127.0.0.1:${standInPort}`;
	child = spawn("npm", ["start", "--silent"], {
		cwd: PROJECT_ROOT,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
		env: {
			...process.env,
			PORT: String(port),
			GITHUB_STANDIN_PORT: String(standInPort),
			GITHUB_STANDIN_MODE: "github-app",
			DEV_VARS_FILE: join(PROJECT_ROOT, "no-such-dev-vars"),
		},
	});
	for (const stream of [child.stdout, child.stderr]) {
		stream?.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
	}
	await waitForHttp(`${origin}/.well-known/oauth-authorization-server`, 90_000).catch((error: Error) => {
		throw new Error(`${error.message}\n${output}`);
	});
});

afterAll(async () => {
	if (child?.pid && child.exitCode === null) {
		const exited = new Promise((resolve) => child.once("exit", resolve));
		process.kill(-child.pid, "SIGINT");
		const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 8_000);
		await exited;
		clearTimeout(timer);
	}
});

describe("npm start in the stand-in's GitHub App mode", () => {
	it("says so", () => {
		expect(output).toContain("GITHUB_STANDIN_MODE=github-app");
	});

	it("signs in through the GitHub App client without OAuth scopes, and links to the app's installation page", async () => {
		const browser = new HeadlessOAuthProvider();
		const client = await connectWithOAuth(origin, "streamable-http", browser);
		try {
			const githubAuthorize = browser.visited.map((url) => new URL(url)).find((url) => url.pathname === "/login/oauth/authorize");
			expect(githubAuthorize?.searchParams.get("client_id")).toBe(DEFAULT_CLIENTS.app.clientId);
			expect(githubAuthorize?.searchParams.has("scope")).toBe(false);
			expect(JSON.parse(resultText(await client.callTool({ name: "whoami", arguments: {} })))).toMatchObject({
				login: "octocat",
				github_scopes: [],
			});
			// The stand-in's app is installed on octocat's account only.
			const result = await client.callTool({ name: "get_repo", arguments: { owner: "hubot", repo: "scratch-npm-start" } });
			expect(result.isError).toBe(true);
			expect(resultText(result)).toContain(`${standIn}/apps/${DEFAULT_CLIENTS.app.slug}/installations/new`);
		} finally {
			await client.close();
		}
	});
});
