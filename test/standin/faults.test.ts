/**
 * The stand-in's fault injection: a schedule for REST calls (delay, 5xx, connection reset, rate
 * limits), deterministic with a seed, global or for one login, never touching the OAuth or
 * control endpoints; and faults carried by one token, `hang` and the body faults included.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGithubStandIn } from "../../scripts/github-standin/index.mjs";
import { api, control, createUser, mintToken, type StandIn, tokenEndpoint } from "./support";

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startGithubStandIn();
});
afterEach(async () => {
	await control(standIn, "DELETE", "/faults");
});
afterAll(async () => {
	await standIn.close();
});

/** The statuses of `count` sequential GET /user calls. */
async function statuses(token: string, count: number) {
	const result: number[] = [];
	for (let index = 0; index < count; index++) result.push((await api(standIn, "/user", token)).status);
	return result;
}

describe("fault schedule", () => {
	it("resets the connection without a response, for REST calls only", async () => {
		const token = await mintToken(standIn, "octocat");
		expect((await control(standIn, "POST", "/faults", { resetRate: 1 })).status).toBe(200);
		await expect(api(standIn, "/user", token)).rejects.toThrow(TypeError);
		// The OAuth and control endpoints are not GitHub's API: they keep working.
		expect((await control(standIn, "GET", "/health")).status).toBe(200);
		expect((await tokenEndpoint(standIn, { code: "nope" })).body.error).toBe("bad_verification_code");
		const { body } = await control<{ requests: { status: number; fault?: string }[] }>(standIn, "GET", `/requests?token=${token}`);
		expect(body.requests).toEqual([expect.objectContaining({ status: 0, fault: "reset" })]);
	});

	it("answers 502 or 503 with a GitHub-like JSON body", async () => {
		const token = await mintToken(standIn, "octocat");
		await control(standIn, "POST", "/faults", { serverErrorRate: 1, seed: 7 });
		for (let index = 0; index < 6; index++) {
			const response = await api(standIn, "/user", token);
			expect([502, 503]).toContain(response.status);
			expect(await response.json()).toMatchObject({ message: expect.any(String) });
		}
	});

	it("rate-limits as GitHub does: 403 with x-ratelimit-remaining 0 and a reset, or 429 with retry-after", async () => {
		const token = await mintToken(standIn, "octocat");
		await control(standIn, "POST", "/faults", { rateLimitRate: 1, seed: 3, retryAfterSeconds: 2 });
		const seen = new Set<number>();
		for (let index = 0; index < 12; index++) {
			const response = await api(standIn, "/user", token);
			seen.add(response.status);
			if (response.status === 403) {
				expect(response.headers.get("x-ratelimit-remaining")).toBe("0");
				expect(Number(response.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
				expect(await response.json()).toMatchObject({ message: "API rate limit exceeded for user ID 583231." });
			} else {
				expect(response.status).toBe(429);
				expect(response.headers.get("retry-after")).toBe("2");
			}
		}
		expect([...seen].sort()).toEqual([403, 429]);
	});

	it("repeats the same sequence of outcomes for the same seed", async () => {
		const token = await mintToken(standIn, "octocat");
		const schedule = { serverErrorRate: 0.3, rateLimitRate: 0.3, seed: 42 };
		await control(standIn, "POST", "/faults", schedule);
		const first = await statuses(token, 20);
		await control(standIn, "POST", "/faults", schedule);
		expect(await statuses(token, 20)).toEqual(first);
		expect(new Set(first).size).toBeGreaterThan(2);
	});

	it("delays every REST call by latencyMs (plus up to latencyJitterMs)", async () => {
		const token = await mintToken(standIn, "octocat");
		await control(standIn, "POST", "/faults", { latencyMs: 150, latencyJitterMs: 50, seed: 1 });
		const started = performance.now();
		expect((await api(standIn, "/user", token)).status).toBe(200);
		expect(performance.now() - started).toBeGreaterThanOrEqual(145);
		const health = performance.now();
		await control(standIn, "GET", "/health");
		expect(performance.now() - health).toBeLessThan(145);
	});

	it("applies a login's own schedule to that login's tokens only", async () => {
		const { login } = await createUser(standIn);
		await control(standIn, "POST", "/faults", { login, serverErrorRate: 1 });
		expect((await control(standIn, "GET", `/faults?login=${login}`)).body.faults).toMatchObject({ serverErrorRate: 1 });
		expect((await statuses(await mintToken(standIn, login), 3)).every((status) => status >= 502)).toBe(true);
		expect(await statuses(await mintToken(standIn, "octocat"), 3)).toEqual([200, 200, 200]);
		await control(standIn, "DELETE", `/faults?login=${login}`);
		expect(await statuses(await mintToken(standIn, login), 1)).toEqual([200]);
	});

	it.each([
		["rates adding up to more than 1", { serverErrorRate: 0.6, resetRate: 0.6 }],
		["a negative delay", { latencyMs: -1 }],
		["a rate that is not a number", { rateLimitRate: "half" }],
	])("refuses a schedule with %s", async (_case, schedule) => {
		expect((await control(standIn, "POST", "/faults", schedule)).status).toBe(400);
	});

	it("stops injecting once cleared", async () => {
		const token = await mintToken(standIn, "octocat");
		await control(standIn, "POST", "/faults", { serverErrorRate: 1 });
		expect((await control(standIn, "DELETE", "/faults")).status).toBe(204);
		expect((await control(standIn, "GET", "/faults")).body.faults).toBeNull();
		expect(await statuses(token, 2)).toEqual([200, 200]);
	});
});

describe("faults on one token", () => {
	it.each([
		["unauthorized", 401],
		["forbidden", 403],
		["rate_limited", 403],
		["server_error", 500],
	])("fails every call with %s", async (fault, status) => {
		const token = await mintToken(standIn, "octocat", { fault });
		expect(await statuses(token, 2)).toEqual([status, status]);
	});

	it("never answers with hang, so a client's timeout fires", async () => {
		const token = await mintToken(standIn, "octocat", { fault: "hang" });
		await expect(api(standIn, "/user", token, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/timeout|aborted/i);
		const { body } = await control<{ requests: { status: number; fault?: string }[] }>(standIn, "GET", `/requests?token=${token}`);
		expect(body.requests).toEqual([expect.objectContaining({ status: 0, fault: "hang" })]);
	});

	it("sends the headers of the real answer at once and its body late with slow_body", async () => {
		const token = await mintToken(standIn, "octocat", { fault: "slow_body" });
		const response = await api(standIn, "/user", token, { signal: AbortSignal.timeout(500) });
		expect(response.status).toBe(200);
		await expect(response.text()).rejects.toThrow(/timeout|aborted/i);
	});

	it("carries out a write and cuts the connection halfway through its answer with cut_body", async () => {
		const token = await mintToken(standIn, "octocat", { fault: "cut_body" });
		const repo = `octocat/scratch-cut-body-${Math.random().toString(36).slice(2, 8)}`;
		const response = await api(standIn, `/repos/${repo}/issues`, token, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ title: "written, answer cut" }),
		});
		expect(response.status).toBe(201);
		await expect(response.text()).rejects.toThrow();
		const { body } = await control<{ writes: { status: number; fault: string | null }[] }>(standIn, "GET", `/writes?repo=${repo}`);
		expect(body.writes).toEqual([expect.objectContaining({ status: 201, fault: "cut_body" })]);
		const issues = await (await api(standIn, `/repos/${repo}/issues`, await mintToken(standIn, "octocat"))).json();
		expect(issues).toEqual([expect.objectContaining({ title: "written, answer cut" })]);
	});

	it("refuses an unknown fault", async () => {
		expect((await control(standIn, "POST", "/tokens", { login: "octocat", fault: "melt" })).status).toBe(400);
	});
});
