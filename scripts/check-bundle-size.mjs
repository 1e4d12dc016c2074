// @ts-check
/**
 * The Worker's bundle-size budget, enforced by CI after `wrangler deploy --dry-run --outdir dist`
 * (which runs the build, scripts/build/, and copies its output to dist/index.js).
 * It measures the gzip size of dist/index.js: what Cloudflare's Worker size limit counts (after
 * compression) and what cold starts pay for. The budget is the size measured when it was last set
 * plus about 3%, so growth is a decision: a change that needs more raises BUDGET_BYTES here and
 * the number in the README's "Checks" section, and says why.
 *
 * The authless variant (wrangler.authless.jsonc, built the same way) has a budget of its own.
 *
 * Usage: node scripts/check-bundle-size.mjs [path to bundle, default dist/index.js] [main|authless]
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

/**
 * 2026-11-30: measured 316,745 bytes gzip (309.3 KiB; 1,109,587 bytes raw) from scripts/build, with
 * 0.2's connected apps page, GitHub App refresh, audit trail and request checks; budget +3%. (The
 * build step alone took it from 416.6 to 298.3 KiB before those landed; BENCHMARKS.md, Build levers.)
 */
export const BUDGET_BYTES = 326_300;

/**
 * 2026-12-01: the authless variant measured 215,036 bytes gzip (210.0 KiB) once built by
 * scripts/build (632 KiB with wrangler's defaults before); budget +3%.
 */
export const AUTHLESS_BUDGET_BYTES = 221_500;

const path = process.argv[2] ?? "dist/index.js";
const budgetOf = { main: BUDGET_BYTES, authless: AUTHLESS_BUDGET_BYTES };
const which = process.argv[3] ?? "main";
if (!(which in budgetOf)) {
	console.error(`Unknown budget "${which}": use main or authless.`);
	process.exit(2);
}
const budget = budgetOf[/** @type {keyof typeof budgetOf} */ (which)];
const bundle = readFileSync(path);
// Default zlib level, as wrangler's "gzip:" figure uses.
const gzipped = gzipSync(bundle).length;
const kib = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const used = ((gzipped / budget) * 100).toFixed(1);

console.log(`${path}: ${kib(bundle.length)}, gzip ${kib(gzipped)} (${gzipped} bytes) of a ${kib(budget)} ${which} budget (${used}%)`);
if (gzipped > budget) {
	console.error(
		`Bundle over the ${which} budget by ${gzipped - budget} bytes. Find what grew (node scripts/build/index.mjs --metafile writes build/worker/bundle-meta.json; ` +
			"npm run bench -- --levers shows what each build lever saves), or raise its budget in scripts/check-bundle-size.mjs and the README's Checks section if the growth is worth it.",
	);
	process.exit(1);
}
