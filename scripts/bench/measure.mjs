// @ts-check
/**
 * How the bench measures: percentiles, sequential latency interleaved across targets, throughput
 * under concurrency, and the Worker's start-up CPU from `wrangler check startup`. Nothing here
 * knows what the targets are (targets.mjs) or how the figures are shown (report.mjs).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { OFFLINE_ENV, PROJECT_ROOT } from "../wrangler-dev.mjs";

/** @typedef {{ p50: number, p90: number, p99: number, n: number }} Summary */
/** @typedef {{ rps: number, ok: number, errors: number }} Throughput */
/** @typedef {(tool: string, args: Record<string, unknown>) => Promise<unknown>} CallTool */

/** Nearest-rank percentile. @param {readonly number[]} values @param {number} p */
export function percentile(values, p) {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** @param {readonly number[]} values @returns {Summary} */
export function summarize(values) {
	return { p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), n: values.length };
}

/** Milliseconds `fn` takes. @param {() => Promise<unknown>} fn */
export async function timed(fn) {
	const start = performance.now();
	await fn();
	return performance.now() - start;
}

/** `fn` timed `times` times in a row. @param {number} times @param {() => Promise<unknown>} fn */
export async function repeatTimed(times, fn) {
	const samples = [];
	for (let i = 0; i < times; i++) samples.push(await timed(fn));
	return summarize(samples);
}

/**
 * Sequential calls, interleaved across targets in rounds of `round` calls, so that drift (other
 * load on the machine, thermal) hits every target alike. Each target is warmed up first.
 * @param {Record<string, () => Promise<unknown>>} targets one call each
 * @param {{ calls: number, round: number, warmup?: number }} plan
 * @returns {Promise<Record<string, Summary>>}
 */
export async function interleavedLatency(targets, { calls, round, warmup = 5 }) {
	/** @type {Record<string, number[]>} */
	const samples = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
	for (const call of Object.values(targets)) for (let i = 0; i < warmup; i++) await call();
	for (let done = 0; done < calls; done += round) {
		for (const [name, call] of Object.entries(targets)) {
			for (let i = 0; i < round; i++) samples[name]?.push(await timed(call));
		}
	}
	return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)]));
}

/**
 * Calls per second with `concurrency` clients calling in a loop for `seconds`, and the calls that
 * failed (HTTP error, JSON-RPC error or an `isError` result).
 * @template {{ call: () => Promise<unknown>, close: () => Promise<void> }} C
 * @param {() => Promise<C>} open one client
 * @param {number} concurrency
 * @param {number} seconds
 * @returns {Promise<Throughput>}
 */
export async function throughput(open, concurrency, seconds) {
	const clients = await Promise.all(Array.from({ length: concurrency }, open));
	const start = performance.now();
	const deadline = start + seconds * 1000;
	let ok = 0;
	let errors = 0;
	await Promise.all(
		clients.map(async (client) => {
			while (performance.now() < deadline) {
				try {
					await client.call();
					ok++;
				} catch {
					errors++;
				}
			}
		}),
	);
	const elapsed = (performance.now() - start) / 1000;
	await Promise.all(clients.map((client) => client.close().catch(() => {})));
	return { rps: ok / elapsed, ok, errors };
}

/**
 * Whether start-up is profiled at a raised scheduling priority (`nice -n -10`, root only): the
 * profile's samples count wall time, so another process taking the core mid-start-up would be
 * counted as start-up CPU. A benchmark's few seconds at most.
 */
export const RAISED_PRIORITY = process.getuid?.() === 0;

/**
 * The Worker's start-up CPU in ms: the busy (not idle) samples of the profile that
 * `wrangler check startup` records while workerd loads the script; garbage collection included.
 * @param {string[]} args extra arguments for `wrangler check startup` (e.g. `--args "<script> -c <config>"`)
 */
export function startupCpu(args = []) {
	const outfile = join(tmpdir(), `bench-startup-${process.pid}-${Date.now()}.cpuprofile`);
	const wrangler = [join(PROJECT_ROOT, "node_modules", ".bin", "wrangler"), "check", "startup", "--outfile", outfile, ...args];
	const [command = "", ...commandArgs] = RAISED_PRIORITY ? ["nice", "-n", "-10", ...wrangler] : wrangler;
	try {
		execFileSync(command, commandArgs, {
			cwd: PROJECT_ROOT,
			env: { ...process.env, ...OFFLINE_ENV },
			stdio: "ignore",
		});
		/** @type {{ nodes: { id: number, callFrame: { functionName: string } }[], samples: number[], timeDeltas: number[] }} */
		const profile = JSON.parse(readFileSync(outfile, "utf8"));
		const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id));
		let busy = 0;
		profile.timeDeltas.forEach((delta, index) => {
			if (!idle.has(profile.samples[index] ?? -1)) busy += delta;
		});
		return busy / 1000;
	} finally {
		rmSync(outfile, { force: true });
	}
}
