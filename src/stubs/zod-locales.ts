/**
 * Build-time stand-in for zod's `locales/index.js` (scripts/build/levers.mjs, lever
 * `zod-locales`). zod re-exports all of its locales as `z.locales`, which puts every one of them
 * in any bundle that imports `z`; this server uses zod's default, English, messages only.
 */
export { default as en } from "zod/v4/locales/en.js";
