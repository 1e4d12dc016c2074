/**
 * Build-time stand-in for `@modelcontextprotocol/server` (MCP SDK v2) as agents imports it
 * (scripts/build/levers.mjs, lever `agents-v2-server`). McpAgent runs on SDK v1 and imports v2
 * only to refuse v2 servers (`instanceof`) and for its `createMcpHandler`, which this Worker does
 * not use: our 2026-07-28 lane imports the real SDK v2 server itself.
 */
function unavailable(): never {
	throw new Error("MCP SDK v2 is not available in this Worker (stubbed out of agents by scripts/build/levers.mjs).");
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
