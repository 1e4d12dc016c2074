/**
 * What the adversarial battery's files share: requests from addresses of their own, the stack-trace
 * check every row makes, and the authorization server's runner: a row's fixture (a legitimate
 * user's progress: a client, a consent, a callback, a code, tokens), its attack (one HTTP request
 * built from that progress), and the checks of its exact outcome (status, where the refusal shows,
 * KV keys by prefix, a grant ended). The rows are in adversarial-authorize.test.ts and
 * adversarial-tokens.test.ts; the MCP endpoint's battery is adversarial-mcp.test.ts.
 */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { fromAddress } from "../support/client-address";
import { CookieJar } from "../support/cookie-jar";
import { countKeysByPrefix } from "../support/kv";
import { discard } from "../support/mcp-wire";
import { type ConsentStep, LOOPBACK_REDIRECT_URI, OAuthFlow, type SignedIn, signInAtGithub } from "../support/oauth-flow";
import { createPkce, type Pkce } from "../support/pkce";
import { ORIGIN } from "./harness";
import { workerSend } from "./worker-send";

// Registrations are limited per client address: every request here comes from one of its own.
export const send = fromAddress(workerSend());
export const flow = new OAuthFlow({ origin: ORIGIN, send });

const STORED = ["client:", "grant:", "token:"] as const;
type Stored = (typeof STORED)[number];

/** Nothing in a response may look like a stack trace or an internal error. */
export const STACK_TRACE =
	/\bat .+\.(?:ts|js|mjs):\d+|\bTypeError\b|\bSyntaxError\b|\bReferenceError\b|\bDataCloneError\b|Internal Server Error/;

/** What an attack starts from: a legitimate user's progress that the attacker then abuses. */
export interface Given {
	clientId: string;
	pkce: Pkce;
	/** A second client: the attacker's own registration. */
	otherClientId: string;
	consent: ConsentStep;
	/** GitHub's redirect back to /callback, not followed yet. */
	callback: URL;
	/** The code at the client's redirect URI. */
	code: string;
	/** The tokens from the code's first (legitimate) exchange. */
	first: { accessToken: string; refreshToken: string };
	signedIn: SignedIn;
}

export type Fixture = "nothing" | "client" | "consent" | "callback" | "declined at GitHub" | "code" | "code exchanged" | "signed in";

export async function arrange(fixture: Fixture, clientMetadata: Record<string, unknown> = {}): Promise<Partial<Given>> {
	if (fixture === "nothing") return {};
	if (fixture === "signed in") {
		const signedIn = await flow.signIn();
		return { signedIn, clientId: signedIn.clientId, otherClientId: (await flow.register()).client_id };
	}
	const clientId = (await flow.register(clientMetadata)).client_id;
	const otherClientId = (await flow.register()).client_id;
	const pkce = await createPkce();
	if (fixture === "client") return { clientId, otherClientId, pkce };
	const consent = await flow.openConsent(clientId, { pkce });
	if (fixture === "consent") return { clientId, otherClientId, pkce, consent };
	const approved = await flow.submitConsent(consent, "approve");
	const githubLocation = approved.headers.get("Location") ?? "";
	const decision = fixture === "declined at GitHub" ? "cancel" : "authorize";
	const callback = await signInAtGithub(githubLocation, "octocat", decision);
	if (fixture === "callback" || fixture === "declined at GitHub") return { clientId, otherClientId, pkce, consent, callback };
	const finished = await flow.finishCallback(callback, consent.jar);
	const code = new URL(finished.headers.get("Location") ?? "").searchParams.get("code") ?? "";
	if (fixture === "code") return { clientId, otherClientId, pkce, consent, callback, code };
	const exchanged = (await (await flow.exchangeCode(clientId, code, pkce.verifier)).json()) as {
		access_token: string;
		refresh_token: string;
	};
	return {
		clientId,
		otherClientId,
		pkce,
		consent,
		callback,
		code,
		first: { accessToken: exchanged.access_token, refreshToken: exchanged.refresh_token },
	};
}

/** The attack: one HTTP request, built from what was given. */
export interface HttpAttack {
	method?: "GET" | "POST";
	path: string | URL;
	query?: Record<string, string>;
	form?: Record<string, string | string[]>;
	/** A JSON body (a string is sent as is). */
	json?: unknown;
	/** The legitimate user's browser (its cookies), or a fresh one. */
	browser?: "the user's" | "another";
}

export interface HttpOutcome {
	status: number;
	/**
	 * Where the refusal shows: a JSON error (the token and registration endpoints), an error
	 * redirect to the client's registered redirect URI, or a page of ours (never a redirect).
	 */
	via: "json" | "redirect" | "page" | "consent page" | "empty";
	error?: string;
	/** KV key count changes; every prefix not named must not change. */
	stored?: Partial<Record<Stored, number>>;
	/** The grant the attack targeted is gone, with its tokens. */
	grantEnded?: boolean;
	/** Response headers that must be present (value contains). */
	headers?: Record<string, string>;
	/** Text the body must (not) contain. */
	includes?: string[];
	excludes?: string[];
}

export interface HttpCase {
	name: string;
	given: Fixture;
	clientMetadata?: Record<string, unknown>;
	attack: (given: Partial<Given>) => HttpAttack;
	expect: HttpOutcome;
}

export const authorize = (query: Record<string, string>): HttpAttack => ({ path: "/authorize", query });

export function authorizeParams(given: Partial<Given>, extra: Record<string, string> = {}): Record<string, string> {
	return {
		response_type: "code",
		client_id: given.clientId ?? "",
		redirect_uri: LOOPBACK_REDIRECT_URI,
		code_challenge: given.pkce?.challenge ?? "",
		code_challenge_method: "S256",
		state: "client-state",
		resource: ORIGIN,
		...extra,
	};
}

export function tokenForm(given: Partial<Given>, extra: Record<string, string> = {}): Record<string, string> {
	return {
		grant_type: "authorization_code",
		client_id: given.clientId ?? "",
		code: given.code ?? "",
		code_verifier: given.pkce?.verifier ?? "",
		redirect_uri: LOOPBACK_REDIRECT_URI,
		resource: ORIGIN,
		...extra,
	};
}

export const REGISTRATION = { client_name: "x", token_endpoint_auth_method: "none" };

function requestOf(attack: HttpAttack): { url: URL; init: RequestInit } {
	const url = new URL(attack.path, ORIGIN);
	for (const [name, value] of Object.entries(attack.query ?? {})) url.searchParams.set(name, value);
	if (attack.form) {
		const form = new URLSearchParams();
		for (const [name, value] of Object.entries(attack.form)) for (const item of [value].flat()) form.append(name, item);
		return {
			url,
			init: { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form },
		};
	}
	if (attack.json !== undefined) {
		const body = typeof attack.json === "string" ? attack.json : JSON.stringify(attack.json);
		return { url, init: { method: "POST", headers: { "Content-Type": "application/json" }, body } };
	}
	return { url, init: { method: attack.method ?? "GET" } };
}

/** An MCP request with this access token, on each lane: what a client gets for it. */
async function mcpStatuses(accessToken: string): Promise<number[]> {
	const statuses: number[] = [];
	for (const path of ["/mcp", "/sse"]) {
		const response = await send(
			new Request(new URL(path, ORIGIN), {
				headers: { Authorization: `Bearer ${accessToken}`, Accept: "text/event-stream" },
			}),
		);
		statuses.push(response.status);
		await discard(response);
	}
	return statuses;
}

/** Plays each row as a test of its own: arrange, attack, then check the outcome and that nothing was issued or stored. */
export function playHttpCases(cases: HttpCase[]): void {
	it.each(cases)("$name", async ({ given: fixture, clientMetadata, attack: build, expect: outcome }) => {
		const given = await arrange(fixture, clientMetadata);
		const attack = build(given);
		const browser = attack.browser === "the user's" ? given.consent?.jar : new CookieJar();
		const before = await countKeysByPrefix(env.OAUTH_KV, STORED);
		const { url, init } = requestOf(attack);
		const response = await flow.request(url, init, browser);
		const text = await response.text();

		expect(response.status, text.slice(0, 300)).toBe(outcome.status);
		expect(text).not.toMatch(STACK_TRACE);
		const location = response.headers.get("Location");
		if (outcome.via === "redirect") {
			const redirect = new URL(location ?? "");
			expect(`${redirect.origin}${redirect.pathname}`).toBe(LOOPBACK_REDIRECT_URI);
			expect(redirect.searchParams.get("error")).toBe(outcome.error);
			expect(redirect.searchParams.get("code")).toBeNull();
		} else {
			expect(location).toBeNull();
		}
		if (outcome.via === "json") {
			const body = JSON.parse(text) as Record<string, unknown>;
			if (outcome.error) expect(body.error).toBe(outcome.error);
			expect(body.access_token).toBeUndefined();
			expect(body.refresh_token).toBeUndefined();
			expect(body.client_id).toBeUndefined();
		}
		if (outcome.via === "page") {
			// A refusal page of ours: HTML that can never be framed.
			expect(response.headers.get("Content-Type")).toContain("text/html");
			expect(response.headers.get("X-Frame-Options")).toBe("DENY");
			expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
		}
		if (outcome.via === "empty") expect(text).toBe("");
		// A refused sign-in step sets no cookie a later step could build on (it may clear one).
		if (outcome.via !== "consent page") {
			for (const cookie of response.headers.getSetCookie()) expect(cookie).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
		}
		for (const [name, value] of Object.entries(outcome.headers ?? {})) expect(response.headers.get(name)).toContain(value);
		for (const piece of outcome.includes ?? []) expect(text).toContain(piece);
		for (const piece of outcome.excludes ?? []) expect(text).not.toContain(piece);

		const after = await countKeysByPrefix(env.OAUTH_KV, STORED);
		const changes = Object.fromEntries(STORED.map((prefix) => [prefix, after[prefix] - before[prefix]]));
		const expected = Object.fromEntries(STORED.map((prefix) => [prefix, outcome.stored?.[prefix] ?? 0]));
		expect(changes).toEqual(expected);

		if (outcome.grantEnded) {
			const first = given.first;
			if (!first) throw new Error("grantEnded needs the tokens of a first exchange");
			expect(await mcpStatuses(first.accessToken)).toEqual([401, 401]);
			const refreshed = await flow.refresh(given.clientId ?? "", first.refreshToken);
			expect(refreshed.status).toBe(400);
		}
	});
}
