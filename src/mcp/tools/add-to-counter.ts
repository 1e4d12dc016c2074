/**
 * `add_to_counter`: a demo of per-session state. The counter lives in the agent's state
 * (`initialState`/`setState`), survives hibernation and restarts, and is readable as the
 * `counter://session` resource.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { structuredResult } from "../tool-context";

export interface Counter {
	value(): number;
	add(amount: number): number;
}

export function registerAddToCounterTool(server: Pick<McpServer, "registerTool">, counter: Counter): void {
	server.registerTool(
		"add_to_counter",
		{
			title: "Add to this session's counter",
			description:
				"Adds a number to a counter that belongs to this MCP session and returns the new total. A demo of per-session state: the counter starts at 0, is kept across reconnects and server restarts, and can be read as the counter://session resource.",
			inputSchema: {
				amount: z.number().int().min(-1_000_000).max(1_000_000).describe("How much to add (negative to subtract), a whole number."),
			},
			outputSchema: { counter: z.number().describe("The counter's new value.") },
			annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
		},
		async ({ amount }) => {
			const total = counter.add(amount);
			return structuredResult(`The counter is now ${total}.`, { counter: total });
		},
	);
}
