/**
 * Build-time stand-in for `@modelcontextprotocol/server` (MCP SDK v2, see wrangler.jsonc).
 * McpAgent runs on SDK v1 and imports v2 only to refuse v2 servers (`instanceof`) and for
 * `createMcpHandler`, which this Worker does not use.
 */
function unavailable(): never {
	throw new Error("MCP SDK v2 is not available in this Worker (@modelcontextprotocol/server is aliased out in wrangler.jsonc).");
}
export class McpServer {}
export class Server {}
export class WebStandardStreamableHTTPServerTransport {
	constructor() {
		unavailable();
	}
}
export const createMcpHandler = unavailable;
export const hostHeaderValidationResponse = unavailable;
export const isJSONRPCRequest = unavailable;
export const isLegacyRequest = unavailable;
export const localhostAllowedHostnames = unavailable;
export const localhostAllowedOrigins = unavailable;
export const originValidationResponse = unavailable;
