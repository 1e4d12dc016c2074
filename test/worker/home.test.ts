import { describe, expect, it } from "vitest";
import {
	commandLine,
	desktopClientConfig,
	formatConfig,
	inspectorCallToolCommand,
	inspectorListToolsCommand,
	MCP_REMOTE_MINIMUM_SAFE_VERSION,
} from "../../src/auth/connect-instructions";
import { SERVER_NAME } from "../../src/server-info";
import { visibleText } from "../support/forms";
import { call, ORIGIN } from "./harness";

describe("GET / (home page)", () => {
	it("says what the server is and gives its MCP URLs for the origin it is served on", async () => {
		const response = await call("/");
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toContain("text/html");
		const text = visibleText(await response.text());
		expect(text).toContain(SERVER_NAME);
		expect(text).toContain("Model Context Protocol");
		expect(text).toContain(`${ORIGIN}/mcp`);
		expect(text).toContain(`${ORIGIN}/sse`);
	});

	it("shows the mcp-remote configuration and the Inspector commands for this origin, exactly as the client tests run them", async () => {
		const text = visibleText(await (await call("/")).text());
		expect(text).toContain(formatConfig(desktopClientConfig(ORIGIN)));
		expect(text).toContain(commandLine(inspectorListToolsCommand(`${ORIGIN}/mcp`, "http")));
		expect(text).toContain(commandLine(inspectorCallToolCommand(`${ORIGIN}/mcp`, "http", "whoami")));
		for (const client of ["Claude Desktop", "Cursor", "Windsurf"]) expect(text).toContain(client);
		expect(text).toContain(`mcp-remote ${MCP_REMOTE_MINIMUM_SAFE_VERSION} or later`);
		expect(text).toContain("CVE-2025-6514");
	});

	it("follows the origin it is served on (a custom domain gets its own snippets)", async () => {
		const text = visibleText(await (await call("https://mcp.custom-domain.example.com/")).text());
		expect(text).toContain("https://mcp.custom-domain.example.com/mcp");
		expect(text).not.toContain(ORIGIN);
	});

	it("links to the connected apps page", async () => {
		expect(await (await call("/")).text()).toContain('<a href="/connections">Connected apps</a>');
	});

	it("loads nothing from elsewhere and runs no script", async () => {
		const page = await (await call("/")).text();
		expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
	});

	it("answers an unknown path with a 404 page", async () => {
		const response = await call("/no-such-page");
		expect(response.status).toBe(404);
		expect(await response.text()).toContain("There is nothing at this address.");
	});
});
