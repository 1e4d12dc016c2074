/** `add`: the smallest possible tool, kept as a demo of a tool that needs no user, no state and no network. */
import { z } from "zod";
import { defineTool } from "../define";
import { textResult } from "../results";

export default defineTool({
	name: "add",
	scope: null,
	toolset: "demo",
	title: "Add two numbers",
	description: "Adds two numbers and returns the sum. A demo tool: it calls nothing and needs no permission.",
	input: {
		a: z.number().describe("The first number."),
		b: z.number().describe("The second number."),
	},
	annotations: { readOnlyHint: true, openWorldHint: false },
	example: { a: 19, b: 23 },
	handler: async ({ a, b }) => textResult(String(a + b)),
});
