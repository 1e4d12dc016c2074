/**
 * MCP session ids, bound to the grant that created them. A session id leaves this server as
 * `<id>.<mac>`, the MAC (HMAC-SHA-256, key derived from SESSION_SECRET for this purpose only) over
 * the user, the grant and the id. A session id presented with another grant's token (another user,
 * or another client of the same user) does not verify, and gets the same 404 as an id that never
 * existed, as does any malformed value: no parser here throws.
 */
import { base64UrlDecode, base64UrlEncode } from "../../encoding";
import { hmacKey } from "../../keys";
import type { GrantRef } from "../caller";

/** What agents' transports use: Durable Object ids (64 hex) and our SSE ids (64 hex). */
const INNER_ID = /^[A-Za-z0-9-]{16,128}$/;
/** An HMAC-SHA-256 in base64url: 43 characters. */
const MAC = /^[A-Za-z0-9_-]{43}$/;

function bindingData(grant: Pick<GrantRef, "userId" | "grantId">, sessionId: string): Uint8Array {
	// Domain-separated and length-unambiguous: no field can contain a newline.
	return new TextEncoder().encode(`mcp-session-binding/v2\n${grant.userId}\n${grant.grantId}\n${sessionId}`);
}

export async function signSessionId(secret: string, grant: Pick<GrantRef, "userId" | "grantId">, sessionId: string): Promise<string> {
	const key = await hmacKey(secret, "mcp-session/v1");
	const mac = await crypto.subtle.sign("HMAC", key, bindingData(grant, sessionId));
	return `${sessionId}.${base64UrlEncode(mac)}`;
}

/** The inner session id when `presented` was signed for this grant; otherwise null. */
export async function verifySessionId(
	secret: string,
	grant: Pick<GrantRef, "userId" | "grantId">,
	presented: string,
): Promise<string | null> {
	if (presented.length > 200) return null;
	const dot = presented.indexOf(".");
	if (dot <= 0 || dot !== presented.lastIndexOf(".")) return null;
	const sessionId = presented.slice(0, dot);
	const macText = presented.slice(dot + 1);
	if (!INNER_ID.test(sessionId) || !MAC.test(macText)) return null;
	const mac = base64UrlDecode(macText);
	if (!mac) return null;
	const key = await hmacKey(secret, "mcp-session/v1");
	// crypto.subtle.verify compares in constant time.
	return (await crypto.subtle.verify("HMAC", key, mac, bindingData(grant, sessionId))) ? sessionId : null;
}

/** 256 random bits, hex: as unguessable as a Durable Object id, which McpAgent uses for /mcp. */
export function randomSessionId(): string {
	return [...crypto.getRandomValues(new Uint8Array(32))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
