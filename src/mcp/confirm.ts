/**
 * Write tools never write silently: before acting they ask the user to confirm (and let them
 * edit the text) through MCP elicitation. The result's structured `status` says what happened
 * ("created", "declined", "cancelled"), so a program can tell a decision from a failure. A client that cannot show such a form gets a refusal
 * saying how to proceed, never a silent write. Decline and cancel end the call without writing.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type ElicitParams, errorResult, structuredResult, type ToolContext } from "./tool-context";

export type Confirmation<Fields extends Record<string, string>> =
	| { confirmed: true; values: Fields }
	| { confirmed: false; result: CallToolResult };

/**
 * Shows `fields` (pre-filled, editable) with `message`, and returns the values the user accepted.
 * `requestId` ties the question to the tool call, so it travels on that call's stream.
 */
export async function confirmWrite<Fields extends Record<string, string>>(
	context: ToolContext,
	requestId: string | number,
	message: string,
	fields: { [K in keyof Fields]: { title: string; value: Fields[K]; maxLength: number } },
): Promise<Confirmation<Fields>> {
	if (!context.canElicit()) {
		return {
			confirmed: false,
			result: errorResult(
				"Nothing was written. This tool asks the user to confirm before it writes to GitHub, and this MCP client does not support confirmation forms (MCP elicitation). Use a client that supports elicitation, or make the change on github.com.",
			),
		};
	}
	const properties: ElicitParams["requestedSchema"]["properties"] = {};
	for (const [name, field] of Object.entries(fields)) {
		properties[name] = { type: "string", title: field.title, default: field.value, maxLength: field.maxLength };
	}
	let answer: Awaited<ReturnType<ToolContext["elicit"]>>;
	try {
		answer = await context.elicit({ message, requestedSchema: { type: "object", properties, required: Object.keys(fields) } }, requestId);
	} catch {
		return {
			confirmed: false,
			result: errorResult("Nothing was written: the confirmation form got no answer in time. Ask the user again."),
		};
	}
	if (answer.action === "decline")
		return { confirmed: false, result: structuredResult("Nothing was written: the user declined.", { status: "declined" }) };
	if (answer.action !== "accept")
		return { confirmed: false, result: structuredResult("Nothing was written: the user cancelled.", { status: "cancelled" }) };

	const values = {} as Record<string, string>;
	for (const [name, field] of Object.entries(fields)) {
		const edited = answer.content?.[name];
		values[name] = typeof edited === "string" ? edited.slice(0, field.maxLength) : field.value;
	}
	return { confirmed: true, values: values as Fields };
}
