/**
 * The load run's own checks, on made-up evidence: each rule catches what it is there for (a write
 * done twice, a confirmed write missing, a retried write, a write nobody asked for, a counter that
 * lost an addition), and accepts what the faults legitimately produce.
 */
import { describe, expect, it } from "vitest";
import type { StandInWrite } from "../support/standin";
import { CounterTrack, compare, type WriteAttempt } from "./ledger";

const REPO = "load-user/scratch-load-u00-mcp0";
const attempt = (n: number, outcome: WriteAttempt["outcome"]): WriteAttempt => ({
	repo: REPO,
	tool: "create_issue",
	marker: `[load:u00-mcp0:${n}]`,
	outcome,
});
const logEntry = (status: number, fault: string | null = null): StandInWrite => ({
	at: "",
	method: "POST",
	path: `/repos/${REPO}/issues`,
	repo: REPO,
	status,
	fault,
});
const found = (entries: [number, number][]) => new Map(entries.map(([n, times]) => [`[load:u00-mcp0:${n}]`, times]));

describe("the load run's write check", () => {
	it("accepts created once, unknown done or not, failed not done, and one request per attempt", () => {
		const attempts = [attempt(1, "created"), attempt(2, "unknown"), attempt(3, "unknown"), attempt(4, "failed"), attempt(5, "no_answer")];
		const log = [logEntry(201), logEntry(201), logEntry(0, "reset"), logEntry(429, "rate_limit")];
		expect(
			compare(
				REPO,
				attempts,
				found([
					[1, 1],
					[2, 1],
				]),
				log,
			),
		).toEqual([]);
	});

	it.each([
		["a created write done twice", [attempt(1, "created")], found([[1, 2]]), [logEntry(201), logEntry(201)], "written 2 times"],
		["a created write missing", [attempt(1, "created")], found([]), [logEntry(201)], "written 0 times"],
		["an unknown write done twice", [attempt(1, "unknown")], found([[1, 2]]), [logEntry(201), logEntry(201)], "reported unknown"],
		["a failed write done", [attempt(1, "failed")], found([[1, 1]]), [logEntry(201)], "nothing written"],
		["a declined write done", [attempt(1, "declined")], found([[1, 1]]), [logEntry(201)], "nothing written"],
		["a write nobody asked for", [], found([[9, 1]]), [logEntry(201)], "no client asked for it"],
		["an object without a marker", [], new Map([["", 1]]), [logEntry(201)], "without a marker"],
		["a retried write", [attempt(1, "unknown")], found([[1, 1]]), [logEntry(0, "reset"), logEntry(201)], "write requests reached GitHub"],
	] as const)("catches %s", (_case, attempts, objects, log, message) => {
		expect(compare(REPO, [...attempts], objects, [...log]).join("\n")).toContain(message);
	});
});

describe("the load run's counter check", () => {
	it("follows answers, and allows both outcomes of an addition whose answer was lost", () => {
		const counter = new CounterTrack("u00-mcp0");
		counter.added(3, 3);
		counter.uncertain(4);
		counter.added(2, 9);
		counter.uncertain(1);
		counter.read(9);
		expect(counter.problems).toEqual([]);
	});

	it("catches a counter that lost an addition it confirmed, or started again", () => {
		const lost = new CounterTrack("u00-mcp0");
		lost.added(3, 3);
		lost.added(2, 2);
		const restarted = new CounterTrack("u00-sse2");
		restarted.added(5, 5);
		restarted.read(0);
		expect([...lost.problems, ...restarted.problems]).toHaveLength(2);
	});
});
