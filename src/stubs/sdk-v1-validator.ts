/**
 * Build-time stand-in for the MCP SDK v1's `validation/ajv-provider.js` (scripts/build/levers.mjs,
 * lever `ajv`). The SDK v1 server creates an Ajv validator with every McpServer, but Ajv compiles
 * schemas with `new Function`, which Workers forbid, so it could never validate anything here.
 * The SDK v2 server's @cfworker/json-schema validator (no code generation, same interface, already
 * in the bundle for the 2026-07-28 lane) takes its place under the name the SDK v1 imports.
 */
export { CfWorkerJsonSchemaValidator as AjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/cf-worker";
