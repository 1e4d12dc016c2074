/**
 * The home page (GET /): what this server is, its MCP URL, and copy-paste connection snippets for
 * the origin it is served on, so a deployment documents itself. The snippets come from
 * connect-instructions.ts, the same commands the real-client tests run. Plain HTML, no JavaScript.
 */
import { html } from "hono/html";
import { SERVER_NAME } from "../server-info";
import {
	commandLine,
	desktopClientConfig,
	formatConfig,
	inspectorCallToolCommand,
	inspectorListToolsCommand,
	MCP_REMOTE_MINIMUM_SAFE_VERSION,
	mcpEndpoints,
} from "./connect-instructions";
import { renderPage } from "./layout";

/** Where command-configured desktop clients keep their MCP servers. */
const DESKTOP_CLIENT_FILES = [
	["Claude Desktop", "Settings → Developer → Edit Config (claude_desktop_config.json)"],
	["Cursor", "~/.cursor/mcp.json (or .cursor/mcp.json in a project)"],
	["Windsurf", "~/.codeium/windsurf/mcp_config.json"],
] as const;

export function renderHomePage(origin: string) {
	const endpoints = mcpEndpoints(origin);
	const desktopClients = DESKTOP_CLIENT_FILES.map(([client, file]) => html`<li><strong>${client}</strong>: <code>${file}</code></li>`);
	return renderPage(
		SERVER_NAME,
		html`<div class="card">
				<h1>${SERVER_NAME}</h1>
				<p>
					A remote <a href="https://modelcontextprotocol.io">Model Context Protocol</a> server. Connect an AI assistant or any MCP
					client to it, and it can work with your GitHub account on your behalf. You sign in with GitHub and choose what each app may
					do; your GitHub token stays on this server.
				</p>
				<dl>
					<dt>MCP server URL (Streamable HTTP)</dt>
					<dd><code>${endpoints.streamableHttp}</code></dd>
					<dt>For clients that only support SSE</dt>
					<dd><code>${endpoints.sse}</code></dd>
				</dl>
			</div>
			<section class="card" aria-labelledby="connections">
				<h2 id="connections">Connected apps</h2>
				<p>
					See which apps can use this server as you, what they wrote, and revoke any of them on
					<a href="/connections">Connected apps</a> (you sign in with GitHub there).
				</p>
			</section>
			<section class="card" aria-labelledby="native">
				<h2 id="native">Clients with remote server support</h2>
				<p>
					Add a remote (HTTP) MCP server with the URL <code>${endpoints.streamableHttp}</code>. The client registers itself, then opens
					your browser: allow it on this server's consent page and sign in with GitHub.
				</p>
			</section>
			<section class="card" aria-labelledby="desktop">
				<h2 id="desktop">Claude Desktop, Cursor, Windsurf (through mcp-remote)</h2>
				<p>Add this to the client's MCP configuration, then restart it. A browser window opens for consent and sign-in.</p>
				<pre><code>${formatConfig(desktopClientConfig(origin))}</code></pre>
				<ul>
					${desktopClients}
				</ul>
				<p class="muted">
					Use mcp-remote ${MCP_REMOTE_MINIMUM_SAFE_VERSION} or later: earlier versions are vulnerable to CVE-2025-6514 (command injection
					through a malicious authorization server).
				</p>
			</section>
			<section class="card" aria-labelledby="inspector">
				<h2 id="inspector">MCP Inspector (command line)</h2>
				<p>List the tools (the first run opens your browser to sign in):</p>
				<pre><code>${commandLine(inspectorListToolsCommand(endpoints.streamableHttp, "http"))}</code></pre>
				<p>Then call one, with the stored sign-in:</p>
				<pre><code>${commandLine(inspectorCallToolCommand(endpoints.streamableHttp, "http", "whoami"))}</code></pre>
				<p class="muted">For the SSE endpoint, use <code>${endpoints.sse}</code> with <code>--transport sse</code>.</p>
			</section>`,
		{ wide: true },
	);
}
