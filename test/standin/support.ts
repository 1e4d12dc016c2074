/**
 * Shared by the stand-in's own tests: each test file starts its own stand-in and talks to it the
 * way the Worker does (OAuth web flow, REST API) or the way tests do (/_standin/* control).
 */
import { request } from "node:http";
import { expect } from "vitest";
import type { startGithubStandIn } from "../../scripts/github-standin/index.mjs";
import { standInControl } from "../support/standin";
import type { AppTokenResponse } from "../support/standin-app";

export type StandIn = Awaited<ReturnType<typeof startGithubStandIn>>;

export const REDIRECT = "http://localhost:8788/callback";

/** Authorize `clientId` as `login` on the sign-in page and return the code GitHub redirects back with. */
export async function authorize(standIn: StandIn, options: { login: string; challenge: string; clientId?: string; scope?: string }) {
	const params = new URLSearchParams({
		client_id: options.clientId ?? standIn.clientId,
		redirect_uri: REDIRECT,
		state: "st",
		scope: options.scope ?? "read:user user:email",
		code_challenge: options.challenge,
		code_challenge_method: "S256",
	});
	const page = await fetch(`${standIn.baseUrl}/login/oauth/authorize?${params}`);
	expect(page.status).toBe(200);
	const html = await page.text();
	expect(html).toContain("GitHub development stand-in");
	expect(html).toContain(`value="${options.login}"`);
	const response = await fetch(`${standIn.baseUrl}/login/oauth/authorize`, {
		method: "POST",
		redirect: "manual",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ ...Object.fromEntries(params), login: options.login, decision: "authorize" }),
	});
	const location = new URL(response.headers.get("Location") ?? "");
	expect(location.searchParams.get("state")).toBe("st");
	return location.searchParams.get("code") ?? "";
}

/** POST /login/oauth/access_token with the OAuth App's credentials unless `fields` name others. */
export async function tokenEndpoint(standIn: StandIn, fields: Record<string, string>) {
	const response = await fetch(`${standIn.baseUrl}/login/oauth/access_token`, {
		method: "POST",
		headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ client_id: standIn.clientId, client_secret: standIn.clientSecret, redirect_uri: REDIRECT, ...fields }),
	});
	return { status: response.status, body: (await response.json()) as Record<string, string | number> };
}

/** GET (or another method) on the REST API with a token. */
export function api(standIn: StandIn, path: string, token: string, init: RequestInit = {}) {
	return fetch(`${standIn.apiUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
}

/** A /_standin/* control call; JSON in and out, whatever the status. */
export function control<T = Record<string, unknown>>(standIn: StandIn, method: string, path: string, body?: unknown) {
	return standInControl<T>(standIn.baseUrl, method, path, body);
}

/** An OAuth App token for `login`, minted without the browser. */
export async function mintToken(standIn: StandIn, login: string, extra: { scopes?: string[]; fault?: string } = {}) {
	const { status, body } = await control<{ token: string }>(standIn, "POST", "/tokens", { login, ...extra });
	expect(status).toBe(201);
	return body.token;
}

/** A GitHub App token pair for `login`, minted without the browser. */
export async function mintAppTokens(standIn: StandIn, login: string, extra: Record<string, unknown> = {}) {
	const { status, body } = await control<AppTokenResponse>(standIn, "POST", "/app-tokens", { login, ...extra });
	expect(status).toBe(201);
	return body;
}

/** A user of this test's own, so no test changes a seeded user. */
export async function createUser(standIn: StandIn, fields: { login?: string; name?: string; orgs?: string[] } = {}) {
	const { status, body } = await control<{ id: number; login: string; name: string | null; orgs: string[] }>(
		standIn,
		"POST",
		"/users",
		fields,
	);
	expect(status).toBe(201);
	return body;
}

/**
 * A request sent with node:http, whose path goes out exactly as written: fetch would resolve dot
 * segments before sending, and these tests are about what the server does with them.
 */
export function rawRequest(standIn: StandIn, path: string, token: string): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request(`${standIn.baseUrl}/`, { path, headers: { Authorization: `Bearer ${token}` } }, (res) => {
			let body = "";
			res.on("data", (chunk: Buffer) => {
				body += chunk.toString();
			});
			res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
		});
		req.on("error", reject);
		req.end();
	});
}
