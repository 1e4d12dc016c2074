/**
 * `npm start` as a newcomer runs it: no .dev.vars, no GitHub OAuth App. It must serve the
 * Worker offline, start the GitHub development stand-in (and say so), and a real MCP client must
 * be able to sign in end to end and call a tool.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
let standInPort = 0;

beforeAll(async () => {
	const port = await freePort();
	standInPort = await freePort();
	origin = `http://localhost:${port}`;
	child = spawn("npm", ["start", "--silent"], {
		cwd: PROJECT_ROOT,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
		env: {
			...process.env,
			PORT: String(port),
			GITHUB_STANDIN_PORT: String(standInPort),
			DEV_VARS_FILE: join(PROJECT_ROOT, "no-such-dev-vars"),
		},
	});
	child.stdout?.on("data", (chunk: Buffer) => {
		output += chunk.toString();
	});
	child.stderr?.on("data", (chunk: Buffer) => {
		output += chunk.toString();
	});
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

describe("npm start with nothing configured", () => {
	it("says it is using the GitHub development stand-in, and where the MCP server is", () => {
		expect(output).toContain("GitHub development stand-in");
		expect(output).toContain(`${origin}/mcp`);
	});

	it("serves a stand-in page labelled as a development stand-in", async () => {
		const page = await (await fetch(`http://127.0.0.1:${standInPort}/`)).text();
		expect(page).toMatch(/development stand-in/i);
	});

	it("lets an MCP client sign in end to end and call whoami", async () => {
		const client = await connectWithOAuth(origin, "streamable-http", new HeadlessOAuthProvider());
		const whoami = JSON.parse(resultText(await client.callTool({ name: "whoami", arguments: {} })));
		expect(whoami).toMatchObject({ login: "octocat", id: "583231" });
		await client.close();
	});
});
