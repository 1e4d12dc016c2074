/**
 * Who is calling an MCP endpoint, as the guard established it for this one request: the user, the
 * grant (the connected client) the token belongs to, the token's MCP scopes, the grant's current
 * upstream tokens, and which tools the client chose to see. Built fresh for every request from the
 * access token's props, so a session always uses the current token and scopes of its grant.
 *
 * The McpAgent lane runs in a Durable Object the Worker forwards the request to; the caller travels
 * with that internal request in one header (set by the guard, never taken from the client).
 */
import { z } from "zod";
import { base64UrlDecodeText, base64UrlEncodeText } from "../encoding";
import { ALL_MCP_SCOPES } from "../scopes";
import { UpstreamTokensSchema, UpstreamUserSchema } from "../upstream/types";
import { TOOLSETS, type Toolset } from "./define";

const TOOLSET_NAMES = Object.keys(TOOLSETS) as [Toolset, ...Toolset[]];

export const ToolViewSchema = z.object({
	/** The toolsets the client chose; null for all. */
	toolsets: z.array(z.enum(TOOLSET_NAMES)).nullable(),
	/** Read-only mode: every write tool hidden and refused, whatever the scopes. */
	readonly: z.boolean(),
});
export type ToolView = z.infer<typeof ToolViewSchema>;

export const ALL_TOOLS_VIEW: ToolView = { toolsets: null, readonly: false };

export const GrantRefSchema = z.object({
	userId: z.string().min(1),
	grantId: z.string().min(1),
	clientId: z.string().min(1),
});
export type GrantRef = z.infer<typeof GrantRefSchema>;

export const CallerSchema = z.object({
	user: UpstreamUserSchema,
	grant: GrantRefSchema,
	scopes: z.array(z.enum(ALL_MCP_SCOPES as [string, ...string[]])),
	upstream: UpstreamTokensSchema,
	view: ToolViewSchema,
	/** The origin the request arrived on (this server's resource): where the grant lives. */
	origin: z.string().url(),
});
export type Caller = z.infer<typeof CallerSchema>;

/** The internal header the McpAgent lane reads the caller from. The guard removes any client copy. */
export const CALLER_HEADER = "x-mcp-caller";

export function encodeCaller(caller: Caller): string {
	return base64UrlEncodeText(JSON.stringify(caller));
}

/** The caller from the internal header, or null when it is absent or malformed. */
export function decodeCaller(header: string | null | undefined): Caller | null {
	if (!header) return null;
	const text = base64UrlDecodeText(header);
	if (text === null) return null;
	try {
		const parsed = CallerSchema.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** One grant, as a Durable Object name and a binding subject. */
export function grantKey(grant: Pick<GrantRef, "userId" | "grantId">): string {
	return `${grant.userId}:${grant.grantId}`;
}
