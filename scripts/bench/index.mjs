// @ts-check
/**
 * `npm run bench`: measures this server against two floors, offline, on loopback, and writes
 * BENCHMARKS.md from that one run. A package by concern:
 *   targets.mjs  what is measured: the servers started under `wrangler dev`, sign-in, the clients
 *                of each lane (2025 /mcp and /sse, 2026-07-28) and of the floors;
 *   measure.mjs  how: percentiles, interleaved latency, throughput, start-up CPU;
 *   levers.mjs   the build levers, each left out in turn, built and measured;
 *   report.mjs   the markdown.
 *
 *   npm run bench                 full run, rewrites BENCHMARKS.md
 *   npm run bench -- --quick      shorter run, prints only
 *   npm run bench -- --levers     the build levers only, prints only
 *   npm run bench -- --servers    the servers only (no build levers), prints only
 *   npm run bench -- --render     BENCHMARKS.md again from the last full run's figures
 *                                 (build/bench/results.json), after a change to report.mjs
 *
 * Timing lives here, never in the tests. Local figures under workerd are not Cloudflare's: use
 * them to compare, not as absolutes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { OFFLINE_ENV, PROJECT_ROOT } from "../wrangler-dev.mjs";
import { measureLevers } from "./levers.mjs";
import { interleavedLatency, RAISED_PRIORITY, repeatTimed, startupCpu, summarize, throughput, timed } from "./measure.mjs";
import { ROWS, renderReport } from "./report.mjs";
import {
	ADD,
	floorClient,
	GITHUB_READ,
	modernClient,
	openLegacySession,
	openSseSession,
	signIn,
	signInMinimal,
	startTargets,
} from "./targets.mjs";

const QUICK = process.argv.includes("--quick");
const LEVERS_ONLY = process.argv.includes("--levers");
const SERVERS_ONLY = process.argv.includes("--servers");
const RENDER_ONLY = process.argv.includes("--render");
const RESULTS = join(PROJECT_ROOT, "build", "bench", "results.json");
const BENCHMARKS = join(PROJECT_ROOT, "BENCHMARKS.md");
const PLAN = {
	calls: QUICK ? 60 : 300, // sequential tools/call per latency row
	round: 20, // calls per row before switching to the next (interleaving)
	sessions: QUICK ? 3 : 10, // session setups and first calls measured
	flows: QUICK ? 2 : 5, // full OAuth flows measured
	seconds: QUICK ? 2 : 5, // per throughput run
	startupRounds: QUICK ? 1 : 7, // `wrangler check startup` runs per build
};
const log = (/** @type {string} */ line) => console.log(line);

/** Writes BENCHMARKS.md in the repository's format (Biome formats Markdown, and CI lints it). @param {string} report */
function writeBenchmarks(report) {
	writeFileSync(BENCHMARKS, report);
	execFileSync(join(PROJECT_ROOT, "node_modules", ".bin", "biome"), ["format", "--write", BENCHMARKS], {
		cwd: PROJECT_ROOT,
		stdio: "ignore",
	});
}

/** This process and its ancestors (npm, its shell): not "other load". */
function ownProcesses() {
	const pids = new Set([process.pid]);
	for (let pid = process.ppid; pid > 1 && !pids.has(pid); ) {
		pids.add(pid);
		try {
			// /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ")".
			const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
			pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
		} catch {
			break;
		}
	}
	return pids;
}

/** Load average, and the busiest processes that are not this bench, for the report. */
function machineLoad() {
	const average = loadavg()
		.map((value) => value.toFixed(2))
		.join(" / ");
	let busy = [];
	const own = ownProcesses();
	try {
		const ps = execFileSync("ps", ["-eo", "pcpu=,pid=,args=", "--sort=-pcpu"], { encoding: "utf8" });
		busy = ps
			.split("\n")
			.map((line) => /^\s*([\d.]+)\s+(\d+)\s+(.*)$/.exec(line))
			.filter((match) => match && Number(match[1]) >= 5 && !own.has(Number(match[2])) && !/\bps -eo\b/.test(match[3] ?? ""))
			.slice(0, 5)
			.map((match) => `${match?.[3]?.replace(/\s+/g, " ").slice(0, 60)} (${match?.[1]}% CPU)`);
	} catch {
		busy = ["(ps unavailable)"];
	}
	return { average, busy };
}

/** The Worker as `wrangler deploy` uploads it (the build command runs): raw and gzip bytes. */
function deployedSize() {
	const outdir = mkdtempSync(join(tmpdir(), "bench-deploy-"));
	try {
		execFileSync(join(PROJECT_ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
			cwd: PROJECT_ROOT,
			env: { ...process.env, ...OFFLINE_ENV },
			stdio: "ignore",
		});
		const file = join(outdir, "index.js");
		return { raw: statSync(file).size, gzip: gzipSync(readFileSync(file)).length };
	} finally {
		rmSync(outdir, { recursive: true, force: true });
	}
}

/** @param {string} token @param {{ ours: string, floor: string, floorDo: string, floorLimit: string, minimal: string }} origins */
async function measureServers(token, origins) {
	const mcp = `${origins.ours}/mcp`;
	log("Session setup (2025 lane) and first calls (both lanes)…");
	/** @type {Record<string, import("./measure.mjs").Summary>} */
	const setup = {};
	const setups = [];
	const legacyFirst = [];
	for (let i = 0; i < PLAN.sessions; i++) {
		/** @type {Awaited<ReturnType<typeof openLegacySession>> | undefined} */
		let session;
		const opened = await timed(async () => {
			session = await openLegacySession(mcp, token);
		});
		const called = await timed(() => session?.call(ADD.tool, ADD.args) ?? Promise.resolve());
		setups.push(opened);
		legacyFirst.push(opened + called);
		await session?.close();
	}
	setup["2025 lane: new session (initialize, initialized)"] = summarize(setups);
	setup["2025 lane: new session and its first tools/call"] = summarize(legacyFirst);
	setup["2026-07-28 lane: fresh client's server/discover and first tools/call"] = await repeatTimed(PLAN.sessions, async () => {
		const client = modernClient(mcp, token);
		await client.discover();
		await client.call(ADD.tool, ADD.args);
	});

	log(`tools/call latency (${PLAN.calls} calls per row, interleaved)…`);
	const legacy = await openLegacySession(mcp, token);
	const sse = await openSseSession(origins.ours, token);
	const modern = modernClient(mcp, token);
	const minimal = await openLegacySession(`${origins.minimal}/mcp`, await signInMinimal(origins.minimal));
	const floor = floorClient(`${origins.floor}/mcp`);
	const floorDo = floorClient(`${origins.floorDo}/mcp`);
	const floorLimit = floorClient(`${origins.floorLimit}/mcp`);
	/** @param {{ call: import("./targets.mjs").CallTool }} client @param {{ tool: string, args: Record<string, unknown> }} target */
	const calling =
		(client, { tool, args }) =>
		() =>
			client.call(tool, args);
	const latency = await interleavedLatency(
		{
			[ROWS.legacyMcpAdd]: calling(legacy, ADD),
			[ROWS.legacySseAdd]: calling(sse, ADD),
			[ROWS.modernAdd]: calling(modern, ADD),
			[ROWS.legacyMcpGithub]: calling(legacy, GITHUB_READ),
			[ROWS.legacySseGithub]: calling(sse, GITHUB_READ),
			[ROWS.modernGithub]: calling(modern, GITHUB_READ),
			[ROWS.minimal]: calling(minimal, ADD),
			[ROWS.floor]: calling(floor, ADD),
			[ROWS.floorDo]: calling(floorDo, ADD),
			[ROWS.floorLimit]: calling(floorLimit, ADD),
		},
		{ calls: PLAN.calls, round: PLAN.round },
	);
	await Promise.all([legacy.close(), sse.close(), minimal.close()]);

	log("Throughput at 10 and 50 concurrent clients…");
	/** @type {Record<string, () => Promise<{ call: () => Promise<unknown>, close: () => Promise<void> }>>} */
	const openers = {
		"2025 /mcp": async () => adding(await openLegacySession(mcp, token)),
		"2026-07-28": async () => adding(modernClient(mcp, token)),
		floor: async () => adding(floorClient(`${origins.floor}/mcp`)),
		"floor-do": async () => adding(floorClient(`${origins.floorDo}/mcp`)),
	};
	/** @type {Record<string, Record<number, import("./measure.mjs").Throughput>>} */
	const load = Object.fromEntries(Object.keys(openers).map((name) => [name, {}]));
	for (const concurrency of [10, 50]) {
		for (const [name, open] of Object.entries(openers)) {
			const byConcurrency = load[name];
			if (byConcurrency) byConcurrency[concurrency] = await throughput(open, concurrency, PLAN.seconds);
		}
	}
	return { setup, latency, load };
}

/** A client whose `call()` calls `add`. @param {{ call: import("./targets.mjs").CallTool, close: () => Promise<void> }} client */
function adding(client) {
	return { call: () => client.call(ADD.tool, ADD.args), close: () => client.close() };
}

async function main() {
	if (RENDER_ONLY) {
		writeBenchmarks(renderReport(JSON.parse(readFileSync(RESULTS, "utf8"))));
		log("BENCHMARKS.md rendered again from build/bench/results.json.");
		return;
	}
	const start = machineLoad();
	log(`Load average ${start.average}${start.busy.length > 0 ? `; busy: ${start.busy.join("; ")}` : ""}`);
	if (!SERVERS_ONLY) log(`Build levers: each build, and its start-up CPU (${PLAN.startupRounds} round(s))…`);
	const levers = SERVERS_ONLY ? [] : await measureLevers({ rounds: PLAN.startupRounds, startupCpu, log });
	if (LEVERS_ONLY) {
		for (const variant of levers)
			log(
				`${variant.name.padEnd(48)} ${(variant.gzip / 1024).toFixed(1)} KiB gzip  ${variant.startup.toFixed(1)} ms (median ${variant.startupMedian.toFixed(1)})  [${variant.startupRuns.map((run) => run.toFixed(1)).join(", ")}]`,
			);
		return;
	}
	log("Bundle as wrangler deploy uploads it…");
	const deployed = deployedSize();

	log("Starting the GitHub stand-in, our server, the minimal stack and the floors under wrangler dev…");
	const targets = await startTargets();
	try {
		log("Full OAuth flow…");
		let token = "";
		const flows = await repeatTimed(PLAN.flows, async () => {
			token = await signIn(targets.origins.ours);
		});
		const measured = await measureServers(token, targets.origins);
		/** @type {import("./report.mjs").Results} */
		const results = {
			date: new Date().toISOString().slice(0, 10),
			machine: `${cpus().length} × ${cpus()[0]?.model?.trim() ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
			machineLoad: { start: start.average, end: machineLoad().average, busy: start.busy },
			plan: PLAN,
			deployed,
			levers,
			raisedPriority: RAISED_PRIORITY,
			flows,
			...measured,
		};
		const report = renderReport(results);
		console.log(`\n${report}`);
		if (!QUICK && !SERVERS_ONLY) {
			writeFileSync(RESULTS, JSON.stringify(results));
			writeBenchmarks(report);
			log("Written to BENCHMARKS.md (figures kept in build/bench/results.json).");
		}
	} catch (error) {
		console.error(targets.output().slice(-3000));
		throw error;
	} finally {
		await targets.stop();
	}
}

await main();
