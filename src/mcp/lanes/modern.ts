/**
 * What the guard takes from the 2026-07-28 lane, in one module so that it loads as one, on first
 * use (load-modern.ts): the MCP SDK v2's request classifier and the stateless lane itself.
 */
export { isLegacyRequest } from "@modelcontextprotocol/server";
export { serveStateless } from "./stateless";
