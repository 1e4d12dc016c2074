/**
 * How MCP clients connect to this server: the commands and configuration the home page shows for
 * the origin it is served on. The README shows the same ones for http://localhost:8788, and the
 * real-client tests (test/clients/) run exactly these commands, so what people copy is what is
 * tested. Versions are pinned to the ones those tests ran; raise them together with the
 * devDependencies (test/clients/instructions.test.ts fails when the two disagree).
 */

import { CLIENT_CONFIG_KEY } from "../server-info";

/** mcp-remote, the stdio bridge Claude Desktop (and others) use to reach a remote server. */
export const MCP_REMOTE_VERSION = "0.15.1";
/** Versions before this one are open to CVE-2025-6514 (command injection by a malicious authorization server). */
export const MCP_REMOTE_MINIMUM_SAFE_VERSION = "0.1.16";
/** The MCP Inspector; its CLI mode signs in through the browser like any other client. */
export const INSPECTOR_VERSION = "2.12.0";

export interface McpEndpoints {
	/** Streamable HTTP, the current transport. */
	streamableHttp: string;
	/** HTTP+SSE, for clients that only speak the 2024-11-05 transport. */
	sse: string;
}

export function mcpEndpoints(origin: string): McpEndpoints {
	return { streamableHttp: `${origin}/mcp`, sse: `${origin}/sse` };
}

export type InspectorTransport = "http" | "sse";

/** `npx` argv for the Inspector's CLI against a URL, with a method and its arguments. */
function inspectorCommand(url: string, transport: InspectorTransport, method: string[]): string[] {
	return [
		"npx",
		"-y",
		`@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`,
		"--cli",
		url,
		"--transport",
		transport,
		"--method",
		...method,
	];
}

/** `npx` argv for the Inspector's CLI: sign in (browser), then list the tools. */
export function inspectorListToolsCommand(url: string, transport: InspectorTransport): string[] {
	return inspectorCommand(url, transport, ["tools/list"]);
}

/** `npx` argv for the Inspector's CLI: call a tool with the sign-in stored by the first command. */
export function inspectorCallToolCommand(url: string, transport: InspectorTransport, tool: string): string[] {
	return inspectorCommand(url, transport, ["tools/call", "--tool-name", tool]);
}

/** `npx` argv that starts mcp-remote for this server, as a desktop client's configuration does. */
export function mcpRemoteCommand(url: string): string[] {
	return ["npx", "-y", `mcp-remote@${MCP_REMOTE_VERSION}`, url];
}

/**
 * The `mcpServers` entry for clients configured with a command (Claude Desktop, Cursor,
 * Windsurf): mcp-remote bridges their stdio to this server and runs the browser sign-in.
 */
export function desktopClientConfig(origin: string): { mcpServers: Record<string, { command: string; args: string[] }> } {
	const [command = "npx", ...args] = mcpRemoteCommand(mcpEndpoints(origin).streamableHttp);
	return { mcpServers: { [CLIENT_CONFIG_KEY]: { command, args } } };
}

/** JSON as people paste it into a configuration file: tab-indented, as the README shows it. */
export function formatConfig(config: unknown): string {
	return JSON.stringify(config, null, "\t");
}

/** A shell command line. Every argument here is a URL, a flag or a package name: none needs quoting. */
export function commandLine(argv: string[]): string {
	return argv.join(" ");
}
