/**
 * Every tool call, in both lanes, goes through here: the caller's view and scopes are checked
 * again (a tool called by name that the connection does not show is refused), the allow-list is
 * asked again for restricted tools (a policy change applies to open sessions at once), the
 * handler runs, unexpected errors become a generic message (the operator gets a log line without
 * the error's text), and write tools leave an audit entry.
 */
import { describeGithubError } from "../github/client";
import type { AuditSink } from "./audit";
import type { Infer, Shape, ToolContext, ToolDefinition, ToolResult } from "./define";
import { isWriteTool } from "./define";
import { type AllowList, isRestricted, mayUseRestrictedTools, toolInView } from "./policy";
import { errorResult } from "./results";
import { WRITE_STATUSES, type WriteStatus } from "./tools/write-status";

/**
 * Thrown by a lane's `confirm` when the answer must come in a later request (MCP 2026-07-28
 * input_required). Not an error: the lane turns it into its result, and the call is audited when
 * it completes.
 */
export class ConfirmationPending extends Error {
	override readonly name = "ConfirmationPending";
	constructor(readonly result: unknown) {
		super("waiting for the user's confirmation");
	}
}

export interface InvokeOptions {
	allowList: AllowList;
	audit: AuditSink;
}

export async function invokeTool<I extends Shape>(
	tool: ToolDefinition<I, Shape | undefined>,
	args: Infer<I>,
	context: ToolContext,
	options: InvokeOptions,
): Promise<ToolResult> {
	const write = isWriteTool(tool);
	const result = await run(tool, args, context, options, write);
	const caller = context.caller;
	if (write && caller) {
		await options.audit({
			userId: caller.user.id,
			login: caller.user.login,
			clientId: caller.grant.clientId,
			tool: tool.name,
			target: safeTarget(tool, args),
			outcome: outcomeOf(result),
		});
	}
	return result;
}

async function run<I extends Shape>(
	tool: ToolDefinition<I, Shape | undefined>,
	args: Infer<I>,
	context: ToolContext,
	options: InvokeOptions,
	write: boolean,
): Promise<ToolResult> {
	const refused = write ? "refused" : undefined;
	if (!toolInView(tool, context.caller)) {
		return errorResult(
			`The ${tool.name} tool is not available on this connection: its scope, the chosen toolsets or read-only mode leave it out.`,
			refused,
		);
	}
	if (tool.restricted && isRestricted(options.allowList)) {
		let allowed: boolean;
		try {
			allowed = await mayUseRestrictedTools(options.allowList, context.caller, () => context.github());
		} catch (error) {
			// GitHub could not say whether the account may use it: nothing is done, and the message
			// says why (not that the account is refused).
			const described = describeGithubError(error, "check whether this account may use this tool", {
				installationUrl: context.installationUrl,
			});
			return errorResult(described.text, write ? "failed" : undefined);
		}
		if (!allowed) {
			return errorResult("This tool is limited to allowed GitHub accounts, and the signed-in account is not one of them.", refused);
		}
	}
	try {
		return await tool.handler(args, context);
	} catch (error) {
		if (error instanceof ConfirmationPending) throw error;
		console.error(JSON.stringify({ type: "tool_error", tool: tool.name, error: error instanceof Error ? error.name : typeof error }));
		return errorResult(`The ${tool.name} tool failed unexpectedly on this server. Try again in a moment.`, write ? "failed" : undefined);
	}
}

function outcomeOf(result: ToolResult): WriteStatus | "done" {
	const status = result.structuredContent?.status;
	if (typeof status === "string" && (WRITE_STATUSES as readonly string[]).includes(status)) return status as WriteStatus;
	return result.isError ? "failed" : "done";
}

function safeTarget<I extends Shape>(tool: ToolDefinition<I, Shape | undefined>, args: Infer<I>): string {
	try {
		return tool.auditTarget?.(args).slice(0, 200) ?? "";
	} catch {
		return "";
	}
}
