// @ts-check
/**
 * Lets the bench import the shared test support (test/support/*.ts) under Node's type stripping:
 * those files import each other without an extension, as TypeScript's bundler resolution allows,
 * so a relative specifier that Node cannot find is tried again with `.ts`. Loaded with
 * `node --import ./scripts/bench/ts-hooks.mjs` (package.json `bench`); no dependency needed.
 */
import { registerHooks } from "node:module";

registerHooks({
	resolve(specifier, context, nextResolve) {
		try {
			return nextResolve(specifier, context);
		} catch (error) {
			if (!/^\.\.?\//.test(specifier) || /\.[cm]?[jt]s$/.test(specifier)) throw error;
			return nextResolve(`${specifier}.ts`, context);
		}
	},
});
