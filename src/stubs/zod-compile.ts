/**
 * Build-time stand-in for zod's `core/compile.js` (scripts/build/levers.mjs, lever `zod-compile`):
 * zod's opt-in ahead-of-time compiler behind `z.compile()`. It generates parsers with
 * `new Function`, which Workers forbid, and nothing in this server calls it. `z.compile()` keeps
 * its documented fallback (the schema comes back unchanged, on zod's runtime parser); the lower
 * level entry points refuse clearly.
 */
export const INVALID = Symbol.for("zod.compile.invalid");

export class ZodCompileAsyncError extends Error {
	override name = "ZodCompileAsyncError";
}

export class ZodCompileUnsupportedError extends Error {
	override name = "ZodCompileUnsupportedError";
}

const UNAVAILABLE = "zod's compiler is not available in this Worker (stubbed out by scripts/build/levers.mjs).";

export function compile<T>(schema: T, options?: { strict?: boolean }): T {
	if (options?.strict) throw new ZodCompileUnsupportedError(UNAVAILABLE);
	return schema;
}

export function withParser(): never {
	throw new ZodCompileUnsupportedError(UNAVAILABLE);
}

export function compileFn(): never {
	throw new ZodCompileUnsupportedError(UNAVAILABLE);
}
