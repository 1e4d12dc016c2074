// @ts-check
/**
 * The build levers, measured: the Worker built as it ships, then with each lever left out in turn
 * (minification, and each substitution of scripts/build/levers.mjs), then with none of them (and
 * none, unminified: what wrangler's defaults would upload). For each build: its size (raw, gzip) and its start-up CPU,
 * measured in interleaved rounds so that other load on the machine hits every build alike.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWorker } from "../build/index.mjs";
import { LEVERS } from "../build/levers.mjs";
import { percentile } from "./measure.mjs";
import { BENCH_DIR, writeBenchConfig } from "./targets.mjs";

/**
 * @typedef {{ name: string, lever?: import("../build/levers.mjs").Lever, without: string[], minify: boolean }} Variant
 * `startup` is the least of the runs: start-up is the same work every time, and other load on the
 * machine can only add to what a run measures, so the least disturbed run is the best estimate of
 * that work; the median is kept beside it.
 * @typedef {Variant & { raw: number, gzip: number, startup: number, startupMedian: number, startupRuns: number[] }} MeasuredVariant
 */

/** @returns {Variant[]} */
export function leverVariants() {
	const all = LEVERS.map((lever) => lever.id);
	return [
		{ name: "as shipped (every lever)", without: [], minify: true },
		{ name: "without minify", without: [], minify: false },
		...LEVERS.map((lever) => ({ name: `without ${lever.id}`, lever, without: [lever.id], minify: true })),
		{ name: "no lever (minified)", without: all, minify: true },
		{ name: "no lever, not minified (wrangler's defaults)", without: all, minify: false },
	];
}

/**
 * Builds every variant and measures it.
 * @param {{ rounds: number, startupCpu: (args: string[]) => number, log?: (line: string) => void }} options
 * @returns {Promise<MeasuredVariant[]>}
 */
export async function measureLevers({ rounds, startupCpu, log = () => {} }) {
	const variants = leverVariants();
	/** @type {{ variant: Variant, file: string, raw: number, gzip: number, runs: number[] }[]} */
	const built = [];
	for (const [index, variant] of variants.entries()) {
		const { file } = await buildWorker({
			outdir: join(BENCH_DIR, "levers", String(index)),
			without: variant.without,
			minify: variant.minify,
		});
		const bytes = readFileSync(file);
		built.push({ variant, file, raw: bytes.length, gzip: gzipSync(bytes).length, runs: [] });
	}
	// `wrangler check startup` on each build with the bench's configuration (no build command).
	const config = await writeBenchConfig(built[0]?.file ?? "", "wrangler.levers.json");
	for (let round = 0; round < rounds; round++) {
		log(`  start-up CPU, round ${round + 1} of ${rounds}`);
		for (const entry of built) entry.runs.push(startupCpu(["--args", `${entry.file} -c ${config}`]));
	}
	return built.map(({ variant, raw, gzip, runs }) => ({
		...variant,
		raw,
		gzip,
		startup: Math.min(...runs),
		startupMedian: percentile(runs, 50),
		startupRuns: runs,
	}));
}
