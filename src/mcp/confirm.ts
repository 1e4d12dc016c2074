/**
 * Write tools never write silently: before acting they ask the user to confirm, and let them edit
 * the text, through MCP elicitation. Both lanes ask the same form and read the answer the same
 * way; only the mechanism differs (a server-to-client `elicitation/create` request in the 2025
 * lane, an `input_required` result the client answers by retrying in the 2026-07-28 lane). Decline
 * and cancel end the call without writing; a client that cannot show a form gets a refusal that
 * says how to proceed, never a silent write.
 */
import type { Confirmation, ConfirmRequest } from "./define";
import { errorResult, structuredResult } from "./results";

/** The form's JSON Schema (MCP elicitation: a flat object of primitive properties). */
export interface ConfirmationSchema {
	[key: string]: unknown;
	type: "object";
	properties: Record<string, { type: "string"; title: string; default: string; maxLength: number }>;
	required: string[];
}

export function confirmationSchema<F extends Record<string, string>>(request: ConfirmRequest<F>): ConfirmationSchema {
	const properties: ConfirmationSchema["properties"] = {};
	for (const [name, field] of Object.entries(request.fields)) {
		properties[name] = { type: "string", title: field.title, default: field.value, maxLength: field.maxLength };
	}
	return { type: "object", properties, required: Object.keys(request.fields) };
}

/** An elicitation answer as both SDKs deliver it (untrusted: it comes from the client). */
export interface ElicitAnswer {
	action?: unknown;
	content?: unknown;
}

/** What the user decided: accepted values (edits kept within each field's limit), or the result to return. */
export function interpretAnswer<F extends Record<string, string>>(answer: ElicitAnswer, request: ConfirmRequest<F>): Confirmation<F> {
	if (answer.action === "decline") {
		return { confirmed: false, result: structuredResult("Nothing was written: the user declined.", { status: "declined" }) };
	}
	if (answer.action !== "accept") {
		return { confirmed: false, result: structuredResult("Nothing was written: the user cancelled.", { status: "cancelled" }) };
	}
	const content = typeof answer.content === "object" && answer.content !== null ? (answer.content as Record<string, unknown>) : {};
	const values: Record<string, string> = {};
	for (const [name, field] of Object.entries(request.fields)) {
		const edited = content[name];
		values[name] = typeof edited === "string" ? edited.slice(0, field.maxLength) : field.value;
	}
	return { confirmed: true, values: values as F };
}

export const CANNOT_CONFIRM = errorResult(
	"Nothing was written. This tool asks the user to confirm before it writes to GitHub, and this MCP client does not support confirmation forms (MCP elicitation). Use a client that supports elicitation, or make the change on github.com.",
	"refused",
);

export const NO_ANSWER = errorResult("Nothing was written: the confirmation form got no answer in time. Ask the user again.", "refused");
