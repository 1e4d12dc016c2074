// @ts-check
/**
 * Starts `wrangler dev` offline: no telemetry, no `request.cf` lookup, no banner. Shared by
 * `npm start` (scripts/dev.mjs) and the end-to-end tests, so both run the Worker the same way.
 * A development tool; nothing here is bundled into the Worker.
 *
 * Settings reach the Worker the way wrangler expects them. wrangler.jsonc declares
 * `secrets.required`, and then `wrangler dev` takes secrets only from .dev.vars, or else from
 * `.env` files and the environment, and warns about each required one it did not find there
 * (a `--var` does not count). So the values are written to a private, generated env file, passed
 * with `--env-file` (which also makes wrangler skip .dev.vars: the caller has read it already),
 * and deleted when wrangler exits.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const OFFLINE_ENV = {
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	WRANGLER_HIDE_BANNER: "true",
};

/** The project root (this file lives in scripts/). */
export const PROJECT_ROOT = join(import.meta.dirname, "..");

/**
 * Parses a .dev.vars file (dotenv syntax: KEY=value, optional quotes, # comments).
 * @param {string} path
 * @returns {Record<string, string>}
 */
export function readDevVars(path = join(PROJECT_ROOT, ".dev.vars")) {
	if (!existsSync(path)) return {};
	/** @type {Record<string, string>} */
	const vars = {};
	for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
		if (!match?.[1]) continue;
		let value = match[2] ?? "";
		if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
		else value = value.replace(/\s+#.*$/, "");
		vars[match[1]] = value;
	}
	return vars;
}

/**
 * The wrangler binary from node_modules: `npm start` and `npm test` put node_modules/.bin (with
 * the project's Node 22) first on PATH, so its `#!/usr/bin/env node` runs on Node 22.
 */
function wranglerBin() {
	return join(PROJECT_ROOT, "node_modules", ".bin", "wrangler");
}

/**
 * A dotenv line: the value in double quotes, with the characters dotenv would read differently
 * escaped.
 * @param {string} name
 * @param {string} value
 */
function envLine(name, value) {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a setting name: ${name}`);
	if (/[\r\n"\\]/.test(value)) throw new Error(`${name}: newlines, quotes and backslashes are not supported in development settings`);
	return `${name}="${value}"`;
}

/**
 * @param {{ port?: number, settings?: Record<string, string>, stdio?: "inherit" | "pipe", extraArgs?: string[], persistTo?: string, env?: Record<string, string> }} options
 *   settings: secrets and vars for the Worker (override wrangler.jsonc's vars);
 *   env: extra environment for wrangler itself (e.g. NODE_EXTRA_CA_CERTS).
 */
export function spawnWranglerDev({ port = 8788, settings = {}, stdio = "inherit", extraArgs = [], persistTo, env = {} } = {}) {
	const args = ["dev", "--port", String(port), "--ip", "localhost", "--show-interactive-dev-session=false", "--log-level", "warn"];
	if (persistTo) args.push("--persist-to", persistTo);
	/** @type {string | undefined} */
	let settingsDir;
	if (Object.keys(settings).length > 0) {
		settingsDir = mkdtempSync(join(tmpdir(), "wrangler-dev-settings-"));
		const file = join(settingsDir, "settings.env");
		writeFileSync(
			file,
			`${Object.entries(settings)
				.map(([name, value]) => envLine(name, value))
				.join("\n")}\n`,
			{ mode: 0o600 },
		);
		args.push("--env-file", file);
	}
	args.push(...extraArgs);
	const child = spawn(wranglerBin(), args, {
		cwd: PROJECT_ROOT,
		stdio: stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
		env: { ...process.env, ...OFFLINE_ENV, ...env },
		detached: stdio !== "inherit",
	});
	if (settingsDir) {
		const dir = settingsDir;
		child.once("exit", () => rmSync(dir, { recursive: true, force: true }));
	}
	return child;
}

/**
 * Polls until the server answers (any HTTP status) or the time runs out.
 * @param {string} url
 * @param {number} timeoutMs
 */
export async function waitForHttp(url, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	while (Date.now() < deadline) {
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
			await response.arrayBuffer();
			return;
		} catch (error) {
			lastError = error;
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
	throw new Error(`${url} did not answer within ${timeoutMs} ms: ${lastError instanceof Error ? lastError.message : lastError}`);
}
