/**
 * `add_to_counter`: a demo of state kept by the server. On 2025-era clients the counter belongs to
 * the MCP session (the session's Durable Object state, kept across reconnects and restarts); on
 * 2026-07-28 clients, which have no sessions, it belongs to the signed-in user (their Durable
 * Object). Readable as the counter://session resource.
 */
import { z } from "zod";
import { defineTool } from "../define";
import { structuredResult } from "../results";

export default defineTool({
	name: "add_to_counter",
	scope: null,
	toolset: "demo",
	title: "Add to the counter",
	description:
		"Adds a number to a counter kept by this server and returns the new total. A demo of server-side state: the counter starts at 0 and is kept across reconnects and server restarts; it belongs to this MCP session (clients on MCP 2025-11-25 and earlier) or to the signed-in user (MCP 2026-07-28, which has no sessions). Read it as the counter://session resource.",
	input: {
		amount: z.number().int().min(-1_000_000).max(1_000_000).describe("How much to add (negative to subtract), a whole number."),
	},
	output: { counter: z.number().describe("The counter's new value.") },
	annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
	example: { amount: 2 },
	auditTarget: () => "counter",
	handler: async ({ amount }, context) => {
		const total = await context.counter.add(amount);
		return structuredResult(`The counter is now ${total}.`, { counter: total });
	},
});
