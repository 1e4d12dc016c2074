/**
 * Runs the real Worker under `wrangler dev` for end-to-end tests, exactly as `npm start` does
 * (scripts/wrangler-dev.mjs), pointed at the GitHub stand-in, with its own port and its own
 * local storage so runs never share KV or Durable Object state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { spawnWranglerDev, waitForHttp } from "../../scripts/wrangler-dev.mjs";
import { freePort } from "../support/ports";

export interface DevServer {
	origin: string;
	/** Everything wrangler and the Worker printed: for asserting what is (not) logged. */
	output(): string;
	/**
	 * Stops wrangler dev and starts it again on the same port with the same local storage
	 * (--persist-to): every Durable Object restarts, and KV and Durable Object storage are kept.
	 * There is no API to evict one Durable Object under wrangler dev; this restarts them all.
	 * `SIGKILL` kills wrangler and workerd at once, as a crash would, instead of stopping them.
	 */
	restart(options?: { signal?: "SIGTERM" | "SIGKILL" }): Promise<void>;
	stop(): Promise<void>;
}

export interface DevServerOptions {
	/** Extra environment for wrangler (e.g. NODE_EXTRA_CA_CERTS for a local HTTPS server's CA). */
	env?: Record<string, string>;
	/** Settings beyond the stand-in's, e.g. ALLOWED_ORIGINS. */
	settings?: Record<string, string>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
	const standIn = inject("githubStandIn");
	const port = await freePort();
	const persistTo = mkdtempSync(join(tmpdir(), "mcp-e2e-"));
	const origin = `http://localhost:${port}`;
	let output = "";

	const launch = async () => {
		const child = spawnWranglerDev({
			port,
			stdio: "pipe",
			persistTo,
			// Its own devtools port: several servers (and other test runs) start side by side.
			extraArgs: ["--inspector-port", String(await freePort())],
			settings: {
				GITHUB_CLIENT_ID: standIn.clientId,
				GITHUB_CLIENT_SECRET: standIn.clientSecret,
				GITHUB_BASE_URL: standIn.baseUrl,
				GITHUB_API_URL: standIn.apiUrl,
				SESSION_SECRET: "e2e-only-0123456789abcdef0123456789abcdef",
				MCP_JURISDICTION: "",
				...options.settings,
			},
			...(options.env ? { env: options.env } : {}),
		});
		child.stdout?.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
		child.stderr?.on("data", (chunk: Buffer) => {
			output += chunk.toString();
		});
		const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
		try {
			await waitForHttp(`${origin}/.well-known/oauth-authorization-server`, 90_000);
		} catch (error) {
			try {
				if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
			} catch {
				// Already gone: the output below says why.
			}
			throw new Error(`wrangler dev did not start: ${error instanceof Error ? error.message : error}\n${output}`);
		}
		return { child, exited };
	};
	const halt = async ({ child, exited }: Awaited<ReturnType<typeof launch>>, signal: "SIGTERM" | "SIGKILL" = "SIGTERM") => {
		if (child.pid && child.exitCode === null) {
			process.kill(-child.pid, signal);
			const killed = setTimeout(() => {
				try {
					if (child.pid) process.kill(-child.pid, "SIGKILL");
				} catch {
					// Gone meanwhile.
				}
			}, 5_000);
			await exited;
			clearTimeout(killed);
		}
	};

	let running = await launch();
	return {
		origin,
		output: () => output,
		async restart({ signal = "SIGTERM" } = {}) {
			await halt(running, signal);
			running = await launch();
		},
		async stop() {
			await halt(running);
			rmSync(persistTo, { recursive: true, force: true });
		},
	};
}
