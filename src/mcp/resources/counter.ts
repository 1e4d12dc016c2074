/** The `counter://session` resource: the counter's value (see add_to_counter for whose counter it is). */
import { defineResource } from "../define";

export const COUNTER_URI = "counter://session";

export default defineResource({
	kind: "fixed",
	name: "counter",
	uri: COUNTER_URI,
	title: "Counter",
	description:
		"The counter changed by the add_to_counter tool: this MCP session's (MCP 2025-11-25 and earlier) or the signed-in user's (MCP 2026-07-28).",
	mimeType: "text/plain",
	scope: null,
	read: async (context) => ({ uri: COUNTER_URI, mimeType: "text/plain", text: String(await context.counter.value()) }),
});
