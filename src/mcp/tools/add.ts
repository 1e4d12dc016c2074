/** `add`: the smallest possible tool, kept as a demo of a tool that needs no user and no network. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { textResult } from "../tool-context";

export function registerAddTool(server: McpServer): void {
	server.registerTool(
		"add",
		{
			title: "Add two numbers",
			description: "Adds two numbers and returns the sum. A demo tool: it calls nothing and needs no permission.",
			inputSchema: {
				a: z.number().describe("The first number."),
				b: z.number().describe("The second number."),
			},
			annotations: { readOnlyHint: true, openWorldHint: false },
		},
		async ({ a, b }) => textResult(String(a + b)),
	);
}
