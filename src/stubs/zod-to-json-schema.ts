/**
 * Build-time stand-in for `zod-to-json-schema` (scripts/build/levers.mjs, lever `zod-v3`). The MCP
 * SDK v1 converts zod 3 schemas with it and zod 4 schemas with zod's own `toJSONSchema`; every
 * schema in this server is zod 4.
 */
export function zodToJsonSchema(): never {
	throw new Error('zod 3 schemas are not supported in this Worker: define the schema with zod 4 (import { z } from "zod").');
}
