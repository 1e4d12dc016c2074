// @ts-check
/**
 * The Worker's build: `wrangler deploy`, `wrangler dev` and `wrangler check startup` run it
 * (wrangler.jsonc `build.command`) and upload its output as it is (`no_bundle`).
 *
 * It bundles src/index.ts the way wrangler's own bundler does (esbuild from wrangler's install,
 * ES2024, the `workerd` export conditions, names kept for stack traces, a linked source map) and
 * adds what wrangler's bundler cannot: module substitutions scoped by importer, such as zod's
 * relative `../locales/index.js` (scripts/build/levers.mjs). The output is written atomically, so
 * several `wrangler dev` processes started at once (the end-to-end tests) never read half a file.
 *
 * CLI: node scripts/build/index.mjs [--entry FILE] [--outdir DIR] [--without LEVER,…] [--no-minify] [--metafile]
 * (the authless variant: --entry src/authless.ts --outdir build/authless, wrangler.authless.jsonc).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LEVERS, leverById } from "./levers.mjs";

/** The project root (this file lives in scripts/build/). */
export const PROJECT_ROOT = join(import.meta.dirname, "..", "..");
/** Where wrangler.jsonc's `main` points. */
export const DEFAULT_OUTDIR = join(PROJECT_ROOT, "build", "worker");

/**
 * esbuild as wrangler installs it: the same version wrangler bundles with, without a dependency
 * of our own.
 * @returns {Promise<typeof import("esbuild")>}
 */
async function loadEsbuild() {
	const fromWrangler = createRequire(createRequire(join(PROJECT_ROOT, "package.json")).resolve("wrangler/package.json"));
	return import(fromWrangler.resolve("esbuild"));
}

/**
 * The substitutions of a build: those of every lever it applies, and the `undo` of every lever in
 * the sources that it leaves out.
 * @param {readonly string[]} without lever ids left out
 * @returns {import("./levers.mjs").Substitution[]}
 */
export function substitutionsFor(without) {
	for (const id of without) leverById(id);
	return LEVERS.flatMap((lever) => (without.includes(lever.id) ? (lever.undo ?? []) : lever.substitutions));
}

/**
 * An esbuild plugin that resolves each matching import to its substitute.
 * @param {readonly import("./levers.mjs").Substitution[]} substitutions
 * @returns {import("esbuild").Plugin}
 */
export function substitutionsPlugin(substitutions) {
	const specifiers = new Set(substitutions.map((substitution) => substitution.specifier));
	const escapeRegExp = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
	return {
		name: "substitutions",
		setup(build) {
			if (specifiers.size === 0) return;
			const filter = new RegExp(`^(${[...specifiers].map(escapeRegExp).join("|")})$`);
			build.onResolve({ filter }, (args) => {
				const found = substitutions.find(
					(substitution) => substitution.specifier === args.path && (!substitution.from || substitution.from.test(args.importer)),
				);
				return found ? { path: resolve(PROJECT_ROOT, found.to) } : undefined;
			});
		},
	};
}

/**
 * Node's built-in modules imported without the `node:` prefix (as some dependencies still do)
 * are the runtime's too, under nodejs_compat: wrangler's bundler rewrites them the same way.
 * @type {import("esbuild").Plugin}
 */
const nodeBuiltinsPlugin = {
	name: "node-builtins",
	setup(build) {
		const bare = builtinModules.filter((name) => !name.startsWith("_") && !name.startsWith("node:"));
		const filter = new RegExp(`^(${bare.map((name) => name.replace(/[/]/g, "\\/")).join("|")})$`);
		build.onResolve({ filter }, (args) => ({ path: `node:${args.path}`, external: true }));
	},
};

/**
 * @typedef {{ outdir?: string, without?: readonly string[], minify?: boolean, metafile?: boolean, entry?: string }} BuildOptions
 * @typedef {{ file: string, bytes: number, metafile: import("esbuild").Metafile | undefined }} BuildResult
 */

/**
 * Builds the Worker into `outdir` (index.js and index.js.map).
 * @param {BuildOptions} [options]
 * @returns {Promise<BuildResult>}
 */
export async function buildWorker({ outdir = DEFAULT_OUTDIR, without = [], minify = true, metafile = false, entry = "src/index.ts" } = {}) {
	const substitutions = substitutionsFor(without);
	const esbuild = await loadEsbuild();
	const file = join(outdir, "index.js");
	const result = await esbuild.build({
		absWorkingDir: PROJECT_ROOT,
		entryPoints: [join(PROJECT_ROOT, entry)],
		outfile: file,
		write: false,
		bundle: true,
		format: "esm",
		// wrangler's settings (its COMMON_ESBUILD_OPTIONS and bundleWorker): what workerd runs natively.
		target: "es2024",
		supported: { "import-source": true, using: true },
		conditions: ["workerd", "worker", "browser"],
		loader: { ".js": "jsx", ".mjs": "jsx", ".cjs": "jsx" },
		// Provided by the runtime: nodejs_compat's node: modules and the cloudflare: modules.
		external: ["node:*", "cloudflare:*"],
		define: { "process.env.NODE_ENV": '"production"', "navigator.userAgent": '"Cloudflare-Workers"' },
		keepNames: true,
		minify,
		sourcemap: "linked",
		metafile,
		logLevel: "silent",
		plugins: [substitutionsPlugin(substitutions), nodeBuiltinsPlugin],
	});
	mkdirSync(outdir, { recursive: true });
	let bytes = 0;
	for (const output of result.outputFiles) {
		// Write beside the target, then rename: a reader sees the old file or the new one, whole.
		const temporary = join(dirname(output.path), `.${basename(output.path)}.${process.pid}.tmp`);
		writeFileSync(temporary, output.contents);
		renameSync(temporary, output.path);
		if (output.path === file) bytes = output.contents.length;
	}
	return { file, bytes, metafile: result.metafile };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
	const { values } = parseArgs({
		options: {
			entry: { type: "string" },
			outdir: { type: "string" },
			without: { type: "string" },
			"no-minify": { type: "boolean" },
			metafile: { type: "boolean" },
		},
	});
	const outdir = values.outdir ? resolve(values.outdir) : DEFAULT_OUTDIR;
	const built = await buildWorker({
		outdir,
		without: values.without ? values.without.split(",").filter(Boolean) : [],
		minify: !values["no-minify"],
		metafile: values.metafile ?? false,
		...(values.entry ? { entry: values.entry } : {}),
	});
	if (built.metafile) writeFileSync(join(outdir, "bundle-meta.json"), JSON.stringify(built.metafile));
	console.log(`Built ${relative(process.cwd(), built.file) || built.file} (${(built.bytes / 1024).toFixed(0)} KiB)`);
}
