/** The `counter://session` resource: the value of this session's counter (see add_to_counter). */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Counter } from "../tools/add-to-counter";

export const COUNTER_URI = "counter://session";

export function registerCounterResource(server: McpServer, counter: Counter): void {
	server.registerResource(
		"counter",
		COUNTER_URI,
		{ title: "Session counter", description: "This MCP session's counter, changed by the add_to_counter tool.", mimeType: "text/plain" },
		async (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: String(counter.value()) }] }),
	);
}
