/**
 * The connection instructions people copy are the ones these tests run: the README's commands and
 * configuration for http://localhost:8788 equal what src/auth/connect-instructions.ts builds
 * (which the home page shows and the client tests execute), and the pinned client versions are
 * the installed ones, so `npx` runs the tested program, offline.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/wrangler-dev.mjs";
import {
	commandLine,
	desktopClientConfig,
	INSPECTOR_VERSION,
	inspectorCallToolCommand,
	inspectorListToolsCommand,
	MCP_REMOTE_MINIMUM_SAFE_VERSION,
	MCP_REMOTE_VERSION,
} from "../../src/auth/connect-instructions";

const LOCAL = "http://localhost:8788";
const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
const installedVersion = (name: string) =>
	(JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

/** The README's fenced blocks of one language. */
function codeBlocks(language: string): string[] {
	return [...readme.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map((match) => match[1] ?? "");
}

describe("README connection instructions", () => {
	it("give the Inspector commands the Inspector test runs", () => {
		const commands = codeBlocks("sh").flatMap((block) => block.split("\n"));
		expect(commands).toContain(commandLine(inspectorListToolsCommand(`${LOCAL}/mcp`, "http")));
		expect(commands).toContain(commandLine(inspectorCallToolCommand(`${LOCAL}/mcp`, "http", "whoami")));
	});

	it("give the mcp-remote configuration the mcp-remote test starts", () => {
		const configs = codeBlocks("json").map((block): unknown => {
			try {
				return JSON.parse(block);
			} catch {
				return undefined; // not a configuration snippet
			}
		});
		expect(configs).toContainEqual(desktopClientConfig(LOCAL));
	});

	it("name the minimum safe mcp-remote version and the CVE it fixes", () => {
		expect(readme).toContain(`**${MCP_REMOTE_MINIMUM_SAFE_VERSION} or later**`);
		expect(readme).toContain("CVE-2025-6514");
	});
});

describe("pinned client versions", () => {
	it.each([
		["mcp-remote", MCP_REMOTE_VERSION],
		["@modelcontextprotocol/inspector", INSPECTOR_VERSION],
	])("%s in the instructions is the installed (tested) version", (name, pinned) => {
		expect(installedVersion(name)).toBe(pinned);
	});

	it("the pinned mcp-remote is not older than the minimum safe version", () => {
		const numbers = (version: string) => version.split(".").map(Number);
		const [major = 0, minor = 0, patch = 0] = numbers(MCP_REMOTE_VERSION);
		const [minMajor = 0, minMinor = 0, minPatch = 0] = numbers(MCP_REMOTE_MINIMUM_SAFE_VERSION);
		expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(minMajor * 1e6 + minMinor * 1e3 + minPatch);
	});
});
