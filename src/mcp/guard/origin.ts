/**
 * Browser Origins allowed to call the MCP endpoints (MCP transports §Security Warning: servers
 * MUST validate Origin to prevent DNS rebinding). No Origin header: a non-browser client, allowed.
 */
import { isLoopbackHost } from "../../config";

/** This server's own origin, loopback pages, or one listed in ALLOWED_ORIGINS. */
export function isAllowedOrigin(origin: string, requestUrl: string, allowedOrigins: readonly string[]): boolean {
	if (!URL.canParse(origin)) return false;
	const parsed = new URL(origin);
	if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return false;
	if (parsed.origin === new URL(requestUrl).origin) return true;
	// A page on the user's own machine (the MCP Inspector, a local agent UI) can reach the server
	// without a browser anyway; a rebinding attack always comes from another host. (The Host check
	// already refused a request whose Host is not one this server serves.)
	if (isLoopbackHost(parsed.hostname)) return true;
	return allowedOrigins.includes(parsed.origin);
}
