/**
 * The built Worker (index.js beside this file, made by scripts/build/ from src/index.ts) has the
 * types of its sources: wrangler.jsonc's `main` points here, so `wrangler types` refers to this
 * path for the Durable Object classes and `ctx.exports`.
 */
export * from "../../src/index";
export { default } from "../../src/index";
