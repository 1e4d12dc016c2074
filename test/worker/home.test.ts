import { describe, expect, it } from "vitest";
import {
	commandLine,
	desktopClientConfig,
	formatConfig,
	inspectorCallToolCommand,
	inspectorListToolsCommand,
	MCP_REMOTE_MINIMUM_SAFE_VERSION,
} from "../../src/auth/connect-instructions";
import { SERVER_NAME } from "../../src/auth/consent-page";
import { callWorker, ORIGIN } from "./helpers";

/** The page as a person reads it: tags gone, entities decoded. */
function visibleText(page: string): string {
	return page
		.replace(/<style>[\s\S]*?<\/style>/g, "")
		.replace(/<[^>]+>/g, "")
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&lt;/g, "<")
		.replace(/&gt;/g, ">")
		.replace(/&amp;/g, "&");
}

describe("GET / (home page)", () => {
	it("says what the server is and gives its MCP URLs for the origin it is served on", async () => {
		const response = await callWorker("/");
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toContain("text/html");
		const text = visibleText(await response.text());
		expect(text).toContain(SERVER_NAME);
		expect(text).toContain("Model Context Protocol");
		expect(text).toContain(`${ORIGIN}/mcp`);
		expect(text).toContain(`${ORIGIN}/sse`);
	});

	it("shows the mcp-remote configuration and the Inspector commands for this origin, exactly as the client tests run them", async () => {
		const text = visibleText(await (await callWorker("/")).text());
		expect(text).toContain(formatConfig(desktopClientConfig(ORIGIN)));
		expect(text).toContain(commandLine(inspectorListToolsCommand(`${ORIGIN}/mcp`, "http")));
		expect(text).toContain(commandLine(inspectorCallToolCommand(`${ORIGIN}/mcp`, "http", "whoami")));
		for (const client of ["Claude Desktop", "Cursor", "Windsurf"]) expect(text).toContain(client);
		expect(text).toContain(`mcp-remote ${MCP_REMOTE_MINIMUM_SAFE_VERSION} or later`);
		expect(text).toContain("CVE-2025-6514");
	});

	it("follows the origin it is served on (a custom domain gets its own snippets)", async () => {
		const text = visibleText(await (await callWorker("https://mcp.custom-domain.example/")).text());
		expect(text).toContain("https://mcp.custom-domain.example/mcp");
		expect(text).not.toContain(ORIGIN);
	});

	it("loads nothing from elsewhere, runs no script and cannot be framed", async () => {
		const response = await callWorker("/");
		const page = await response.text();
		expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
		expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
		expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
		expect(response.headers.get("X-Frame-Options")).toBe("DENY");
	});
});
