/**
 * Starting real client programs (npx …) the way a person or a desktop app does, in their own
 * process group so that stopping one also stops what it started (npx → node → the browser
 * opener), with their output kept for assertions and failure messages.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { PROJECT_ROOT } from "../../scripts/wrangler-dev.mjs";
import { type DevServer, startDevServer } from "../e2e/dev-server";
import { launchChromium } from "./browser";

export interface ClientProcess {
	readonly child: ChildProcess;
	/** Everything the program wrote to stderr. */
	stderr(): string;
	/** Everything it wrote to stdout (empty when stdout is a protocol stream the caller reads). */
	stdout(): string;
	/** Resolves with the exit code (null when killed by a signal). */
	readonly exited: Promise<number | null>;
	/** Waits until stderr matches, or fails with what the program printed so far. */
	waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
	stop(): Promise<void>;
}

/** Desktop-session variables that would make xdg-open pick a desktop browser instead of $BROWSER. */
const DESKTOP_SESSION_VARIABLES = [
	"DISPLAY",
	"WAYLAND_DISPLAY",
	"XDG_CURRENT_DESKTOP",
	"DESKTOP_SESSION",
	"KDE_FULL_SESSION",
	"GNOME_DESKTOP_SESSION_ID",
	"XDG_SESSION_DESKTOP",
];

/** The environment for a client program: the test's own (PATH with the project's Node 22), headless. */
export function clientEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false", ...extra };
	for (const name of DESKTOP_SESSION_VARIABLES) delete env[name];
	return env;
}

const running = new Set<ClientProcess>();

/**
 * Starts argv (e.g. ["npx", "-y", "mcp-remote@…", url]) from the project root. With
 * `stdoutIsProtocol`, stdout is left to the caller (a stdio MCP stream) and not captured.
 */
export function startClient(argv: string[], options: { env: NodeJS.ProcessEnv; stdoutIsProtocol?: boolean }): ClientProcess {
	const [command, ...args] = argv;
	if (!command) throw new Error("empty command");
	const child = spawn(command, args, { cwd: PROJECT_ROOT, env: options.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
	let stderr = "";
	let stdout = "";
	const listeners = new Set<() => void>();
	child.stderr?.on("data", (chunk: Buffer) => {
		stderr += chunk.toString();
		for (const listener of listeners) listener();
	});
	if (!options.stdoutIsProtocol)
		child.stdout?.on("data", (chunk: Buffer) => {
			stdout += chunk.toString();
		});
	const output = () => `${stderr}${stdout ? `\n--- stdout ---\n${stdout}` : ""}`;
	const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

	const handle: ClientProcess = {
		child,
		stderr: () => stderr,
		stdout: () => stdout,
		exited,
		waitForOutput(pattern, timeoutMs) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const match = pattern.exec(stderr);
					if (!match) return;
					done();
					resolve(match);
				};
				const timer = setTimeout(() => {
					done();
					reject(new Error(`${commandLineOf(argv)}: no ${pattern} within ${timeoutMs} ms. Output:\n${output()}`));
				}, timeoutMs);
				const onExit = (code: number | null) => {
					check();
					done();
					reject(new Error(`${commandLineOf(argv)} exited (${code}) before printing ${pattern}. Output:\n${output()}`));
				};
				const done = () => {
					clearTimeout(timer);
					listeners.delete(check);
					child.off("exit", onExit);
				};
				listeners.add(check);
				child.once("exit", onExit);
				check();
			});
		},
		async stop() {
			running.delete(handle);
			if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
			signalGroup(child.pid, "SIGTERM");
			const killed = setTimeout(() => child.pid && signalGroup(child.pid, "SIGKILL"), 5_000);
			await exited;
			clearTimeout(killed);
			// Whatever the program left behind in its group (a browser opener, a grandchild).
			signalGroup(child.pid, "SIGKILL");
		},
	};
	running.add(handle);
	return handle;
}

/** Runs argv to completion (bounded: killed after timeoutMs) and returns its exit code and output. */
export async function runClient(
	argv: string[],
	options: { env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const client = startClient(argv, { env: options.env });
	client.child.stdin?.end();
	const timer = setTimeout(() => void client.stop(), options.timeoutMs);
	const code = await client.exited;
	clearTimeout(timer);
	await client.stop();
	return { code, stdout: client.stdout(), stderr: client.stderr() };
}

/** Stops every client program still running (for afterAll). */
export async function stopAllClients(): Promise<void> {
	await Promise.all([...running].map((client) => client.stop()));
}

/** What a file that drives client programs uses in its tests. */
export interface ClientProgramBed {
	/** A real `wrangler dev`, pointed at the GitHub stand-in. */
	readonly server: DevServer;
	/** A Chromium that approves the consent page. */
	readonly browser: Browser;
	/** A folder of the file's own for the programs' stores. */
	readonly scratch: string;
}

/**
 * Starts the server and the browser and makes the scratch folder before the file's tests; after
 * them, stops every client program still running, the browser and the server, and removes the folder.
 */
export function useClientProgramBed(scratchPrefix: string): ClientProgramBed {
	let server: DevServer | undefined;
	let browser: Browser | undefined;
	let scratch: string | undefined;
	beforeAll(async () => {
		scratch = mkdtempSync(join(tmpdir(), scratchPrefix));
		[server, browser] = await Promise.all([startDevServer(), launchChromium()]);
	});
	afterAll(async () => {
		await stopAllClients();
		await browser?.close();
		await server?.stop();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
	});
	const started = <T>(value: T | undefined, what: string): T => {
		if (value === undefined) throw new Error(`${what} is not started: use it inside a test`);
		return value;
	};
	return {
		get server() {
			return started(server, "the dev server");
		},
		get browser() {
			return started(browser, "the browser");
		},
		get scratch() {
			return started(scratch, "the scratch folder");
		},
	};
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is gone already.
	}
}

function commandLineOf(argv: string[]): string {
	return argv.join(" ");
}
