/**
 * Build-time stand-in for `zod/v3` (scripts/build/levers.mjs, lever `zod-v3`). The MCP SDK v1
 * reaches zod 3 only to build objects from shapes written with zod 3; every schema in this server
 * is zod 4, so such a shape is refused with a clear error instead.
 */
export function object(): never {
	throw new Error('zod 3 schemas are not supported in this Worker: define the shape with zod 4 (import { z } from "zod").');
}
