// @ts-check
/**
 * Fault injection for the REST API (never the OAuth or control endpoints), in two layers:
 *
 * - A schedule, set through POST /_standin/faults: a delay on every call, and a share of calls
 *   that fail with a 502/503, a connection reset (the socket destroyed without a response) or a
 *   rate limit (403 with x-ratelimit-remaining: 0, or 429 with retry-after). With a seed, the
 *   sequence of outcomes is the same on every run. A schedule is global, or for one login only,
 *   so a load-and-fault test with its own user slows down nobody else.
 * - A fault on one token (minted through /_standin/tokens or /_standin/app-tokens): every call
 *   with it fails the same way; `hang` never answers, for timeout tests.
 *
 * The bodies and headers are GitHub's, from "Rate limits for the REST API"
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 */

import { DOCS } from "./seed.mjs";

const RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

/** @typedef {{ latencyMs: number, latencyJitterMs: number, serverErrorRate: number, resetRate: number, rateLimitRate: number, retryAfterSeconds: number, seed: number | null }} FaultSchedule */
/** @typedef {{ kind: "reset" } | { kind: "server_error", status: 502 | 503 } | { kind: "rate_limit", status: 403 | 429 }} ScheduledFault */
/** @typedef {{ status: number, body: unknown, headers?: Record<string, string> }} FaultAnswer */

/**
 * A schedule from a request body: every field optional, rates between 0 and 1 adding up to at
 * most 1, delays in milliseconds up to a minute.
 * @param {Record<string, unknown>} input
 * @returns {{ schedule: FaultSchedule } | { error: string }}
 */
export function parseFaultSchedule(input) {
	/** @param {string} name @param {number} max @param {number} fallback */
	const number = (name, max, fallback) => {
		const value = input[name] ?? fallback;
		return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= max ? value : Number.NaN;
	};
	const schedule = {
		latencyMs: number("latencyMs", 60_000, 0),
		latencyJitterMs: number("latencyJitterMs", 60_000, 0),
		serverErrorRate: number("serverErrorRate", 1, 0),
		resetRate: number("resetRate", 1, 0),
		rateLimitRate: number("rateLimitRate", 1, 0),
		retryAfterSeconds: number("retryAfterSeconds", 3600, 60),
		seed: input.seed === undefined || input.seed === null ? null : number("seed", 2 ** 32 - 1, 0),
	};
	const invalid = Object.entries(schedule).find(([, value]) => Number.isNaN(value));
	if (invalid) return { error: `${invalid[0]} is out of range (rates 0–1, delays 0–60000 ms, seed a 32-bit unsigned integer)` };
	if (schedule.serverErrorRate + schedule.resetRate + schedule.rateLimitRate > 1) {
		return { error: "serverErrorRate + resetRate + rateLimitRate must be at most 1" };
	}
	return { schedule };
}

/** mulberry32: a small, fast PRNG whose sequence depends only on the seed. @param {number} seed */
function seededRandom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function createFaultInjector() {
	/** Schedules by lower-cased login; "" is the global one. @type {Map<string, { schedule: FaultSchedule, random: () => number }>} */
	const schedules = new Map();

	return {
		/** @param {FaultSchedule} schedule @param {string} [login] */
		set(schedule, login = "") {
			const random = schedule.seed === null ? Math.random : seededRandom(schedule.seed);
			schedules.set(login.toLowerCase(), { schedule, random });
		},

		/** @param {string} [login] */
		clear(login = "") {
			schedules.delete(login.toLowerCase());
		},

		/** @param {string} [login] */
		get: (login = "") => schedules.get(login.toLowerCase())?.schedule ?? null,

		/**
		 * The delay and the outcome for one API call made as `login` (a login's own schedule wins
		 * over the global one).
		 * @param {string | undefined} login
		 * @returns {{ delayMs: number, fault: ScheduledFault | null }}
		 */
		draw(login) {
			const entry = (login && schedules.get(login.toLowerCase())) || schedules.get("");
			if (!entry) return { delayMs: 0, fault: null };
			const { schedule, random } = entry;
			const jitter = schedule.latencyJitterMs > 0 ? Math.floor(random() * (schedule.latencyJitterMs + 1)) : 0;
			const delayMs = schedule.latencyMs + jitter;
			const roll = random();
			if (roll < schedule.resetRate) return { delayMs, fault: { kind: "reset" } };
			if (roll < schedule.resetRate + schedule.serverErrorRate) {
				return { delayMs, fault: { kind: "server_error", status: random() < 0.5 ? 502 : 503 } };
			}
			if (roll < schedule.resetRate + schedule.serverErrorRate + schedule.rateLimitRate) {
				return { delayMs, fault: { kind: "rate_limit", status: random() < 0.5 ? 403 : 429 } };
			}
			return { delayMs, fault: null };
		},

		/** The retry-after a scheduled 429 carries. @param {string | undefined} login */
		retryAfterSeconds(login) {
			const entry = (login && schedules.get(login.toLowerCase())) || schedules.get("");
			return entry?.schedule.retryAfterSeconds ?? 60;
		},
	};
}

/**
 * GitHub's primary rate limit: 403 (GitHub also uses 429) with the limit spent until `reset`.
 * @param {number} userId @param {403 | 429} [status]
 * @returns {FaultAnswer}
 */
export function primaryRateLimit(userId, status = 403) {
	return {
		status,
		body: { message: `API rate limit exceeded for user ID ${userId}.`, documentation_url: RATE_LIMIT_DOCS, status: String(status) },
		headers: {
			"X-RateLimit-Limit": "5000",
			"X-RateLimit-Remaining": "0",
			"X-RateLimit-Used": "5000",
			"X-RateLimit-Reset": String(Math.floor(Date.now() / 1000) + 60),
			"X-RateLimit-Resource": "core",
		},
	};
}

/**
 * What a scheduled fault answers (a reset answers nothing: the caller destroys the socket).
 * @param {Exclude<ScheduledFault, { kind: "reset" }>} fault @param {number} userId @param {number} retryAfterSeconds
 * @returns {FaultAnswer}
 */
export function scheduledFaultAnswer(fault, userId, retryAfterSeconds) {
	if (fault.kind === "server_error") {
		const message = fault.status === 502 ? "Server Error" : "Service Unavailable";
		return { status: fault.status, body: { message, status: String(fault.status) } };
	}
	if (fault.status === 403) return primaryRateLimit(userId);
	// A secondary rate limit: 429 with retry-after, the limit itself not spent.
	return {
		status: 429,
		body: {
			message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			documentation_url: `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
			status: "429",
		},
		headers: { "Retry-After": String(retryAfterSeconds) },
	};
}

/** How long `slow_body` holds the body back after the headers. */
export const SLOW_BODY_MS = 5_000;

/**
 * What a token's own fault answers, or "hang" for no answer at all (the body faults, which spoil
 * the handler's own answer, are applied in api.mjs).
 * @param {Exclude<import("./tokens.mjs").TokenFault, "slow_body" | "cut_body">} fault @param {number} userId
 * @returns {FaultAnswer | "hang"}
 */
export function tokenFaultAnswer(fault, userId) {
	switch (fault) {
		case "unauthorized":
			return { status: 401, body: { message: "Bad credentials", documentation_url: DOCS, status: "401" } };
		case "forbidden":
			return {
				status: 403,
				body: { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" },
			};
		case "rate_limited":
			return primaryRateLimit(userId);
		case "server_error":
			return { status: 500, body: { message: "Server Error" } };
		case "hang":
			return "hang";
	}
}
