/**
 * Test helpers for the tests that run inside workerd: call the real Worker with the real KV and
 * Durable Object bindings, carry cookies like a browser, and walk the OAuth flow step by step
 * (client registration, consent, the GitHub stand-in's page, /callback, /token).
 */

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { getOAuthApi } from "@cloudflare/workers-oauth-provider";
import { inject } from "vitest";
import worker from "../../src/index";
import { createOAuthOptions } from "../../src/oauth";
import type { Props } from "../../src/props";
import { ALL_MCP_SCOPES } from "../../src/scopes";

/** The origin the tests serve the Worker on. Tokens are bound to it. */
export const ORIGIN = "https://mcp.example.com";
/** A loopback redirect URI, like the one mcp-remote or the Inspector registers. */
export const CLIENT_REDIRECT_URI = "http://127.0.0.1:33418/oauth/callback";

export const standIn = () => inject("githubStandIn");

export type TestEnv = typeof env;

/** A cookie jar with a browser's essentials: Set-Cookie in, Cookie out, Max-Age=0 deletes. */
export class CookieJar {
	readonly #cookies = new Map<string, string>();

	store(response: Response): void {
		for (const line of response.headers.getSetCookie()) {
			const [pair = "", ...attributes] = line.split(";");
			const index = pair.indexOf("=");
			const name = pair.slice(0, index).trim();
			const value = pair.slice(index + 1).trim();
			const expired = attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute));
			if (expired || value === "") this.#cookies.delete(name);
			else this.#cookies.set(name, value);
		}
	}

	header(): string {
		return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
	}

	get size(): number {
		return this.#cookies.size;
	}
}

/** Calls the Worker's default export, as the runtime would, with an optional env override. */
export async function callWorker(
	input: string | URL,
	init: RequestInit & { jar?: CookieJar; env?: Partial<Record<keyof TestEnv, unknown>> } = {},
): Promise<Response> {
	const { jar, env: override, ...requestInit } = init;
	const url = new URL(input, ORIGIN);
	const headers = new Headers(requestInit.headers);
	if (jar && jar.size > 0) headers.set("Cookie", jar.header());
	const request = new Request(url, { ...requestInit, headers, redirect: "manual" });
	const ctx = createExecutionContext();
	const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], { ...env, ...override } as TestEnv, ctx);
	// A streamed MCP response is read by the caller after this returns; waiting here would stall it.
	if (!response.headers.get("Content-Type")?.includes("text/event-stream")) await waitOnExecutionContext(ctx);
	jar?.store(response);
	return response;
}

export interface Pkce {
	verifier: string;
	challenge: string;
}

export async function createPkce(): Promise<Pkce> {
	const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
	const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
	return { verifier, challenge };
}

function base64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
}

export async function registerClient(metadata: Record<string, unknown> = {}): Promise<{ client_id: string }> {
	const response = await callWorker("/register", {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({
			client_name: "Test MCP Client",
			redirect_uris: [CLIENT_REDIRECT_URI],
			token_endpoint_auth_method: "none",
			grant_types: ["authorization_code", "refresh_token"],
			...metadata,
		}),
	});
	if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${await response.text()}`);
	return response.json();
}

export function authorizeUrl(clientId: string, pkce: Pkce, state = "client-state-123"): string {
	const url = new URL("/authorize", ORIGIN);
	url.search = new URLSearchParams({
		response_type: "code",
		client_id: clientId,
		redirect_uri: CLIENT_REDIRECT_URI,
		code_challenge: pkce.challenge,
		code_challenge_method: "S256",
		state,
		resource: ORIGIN,
	}).toString();
	return url.toString();
}

/** Reads `name="…" value="…"` pairs of hidden inputs from a page. */
export function hiddenInputs(page: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const match of page.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
		const name = /name="([^"]*)"/.exec(match[0])?.[1];
		const value = /value="([^"]*)"/.exec(match[0])?.[1];
		if (name !== undefined && value !== undefined) fields[name] = decodeEntities(value);
	}
	return fields;
}

function decodeEntities(value: string): string {
	return value
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&lt;/g, "<")
		.replace(/&gt;/g, ">")
		.replace(/&amp;/g, "&");
}

export interface ConsentStep {
	jar: CookieJar;
	page: string;
	handle: string;
}

/** GET /authorize: the consent page, with the browser's binding cookie in the jar. */
export async function openConsent(clientId: string, pkce: Pkce, jar = new CookieJar(), state?: string): Promise<ConsentStep> {
	const response = await callWorker(authorizeUrl(clientId, pkce, state), { jar });
	const page = await response.text();
	if (response.status !== 200) throw new Error(`consent page failed: ${response.status} ${page}`);
	const handle = hiddenInputs(page).handle;
	if (!handle) throw new Error("consent page has no handle");
	return { jar, page, handle };
}

export async function submitConsent(step: ConsentStep, action: "approve" | "deny", scopes: readonly string[] = []): Promise<Response> {
	const form = new URLSearchParams({ handle: step.handle, action });
	for (const scope of scopes) form.append("scope", scope);
	return callWorker("/authorize", {
		method: "POST",
		jar: step.jar,
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: form,
	});
}

/**
 * At the GitHub stand-in: open the authorize page the Worker redirected to, and submit it as
 * `login`, with `decision` authorize or cancel. Returns GitHub's redirect back to /callback.
 */
export async function signInAtGithub(
	githubAuthorizeLocation: string,
	login = "octocat",
	decision: "authorize" | "cancel" = "authorize",
): Promise<URL> {
	const page = await fetch(githubAuthorizeLocation);
	const html = await page.text();
	if (page.status !== 200) throw new Error(`stand-in authorize page failed: ${page.status}`);
	const form = hiddenInputs(html);
	const action = new URL("/login/oauth/authorize", githubAuthorizeLocation);
	const response = await fetch(action, {
		method: "POST",
		redirect: "manual",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ ...form, login, decision }),
	});
	const location = response.headers.get("Location");
	if (response.status !== 302 || !location) throw new Error(`stand-in did not redirect: ${response.status}`);
	return new URL(location);
}

export async function exchangeCode(clientId: string, code: string, verifier: string): Promise<Response> {
	return callWorker("/token", {
		method: "POST",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({
			grant_type: "authorization_code",
			client_id: clientId,
			code,
			code_verifier: verifier,
			redirect_uri: CLIENT_REDIRECT_URI,
			resource: ORIGIN,
		}),
	});
}

export interface SignedIn {
	clientId: string;
	accessToken: string;
	refreshToken: string;
}

/** The whole flow as a user who approves everything: returns the MCP access token. */
export async function signIn(login = "octocat", scopes: readonly string[] = []): Promise<SignedIn> {
	const { client_id: clientId } = await registerClient();
	const pkce = await createPkce();
	const consent = await openConsent(clientId, pkce);
	const approved = await submitConsent(consent, "approve", scopes);
	const githubLocation = approved.headers.get("Location");
	if (!githubLocation) throw new Error(`consent approval did not redirect: ${approved.status}`);
	const callback = await signInAtGithub(githubLocation, login);
	const finished = await callWorker(callback, { jar: consent.jar });
	const clientRedirect = finished.headers.get("Location");
	if (finished.status !== 302 || !clientRedirect) throw new Error(`callback failed: ${finished.status} ${await finished.text()}`);
	const code = new URL(clientRedirect).searchParams.get("code");
	if (!code) throw new Error(`callback redirected without a code: ${clientRedirect}`);
	const tokens = await exchangeCode(clientId, code, pkce.verifier);
	if (tokens.status !== 200) throw new Error(`token exchange failed: ${tokens.status} ${await tokens.text()}`);
	const body = (await tokens.json()) as { access_token: string; refresh_token: string };
	return { clientId, accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** Counts KV keys under a prefix: to prove a failed path stored nothing. */
export async function countKeys(prefix: string): Promise<number> {
	let count = 0;
	let cursor: string | undefined;
	do {
		const page = await env.OAUTH_KV.list({ prefix, ...(cursor ? { cursor } : {}) });
		count += page.keys.length;
		cursor = page.list_complete ? undefined : page.cursor;
	} while (cursor);
	return count;
}

/**
 * An MCP access token for arbitrary props, issued through the library's own API (client, auth
 * request, completeAuthorization) and the real /token endpoint: lets tool tests use a GitHub
 * token the stand-in minted with a fault, without a browser round trip.
 */
export async function issueTokenForProps(props: Props, scopes: readonly string[] = ALL_MCP_SCOPES): Promise<string> {
	const oauth = getOAuthApi(createOAuthOptions(ORIGIN), env);
	const client = await oauth.createClient({
		redirectUris: [CLIENT_REDIRECT_URI],
		tokenEndpointAuthMethod: "none",
		clientName: "Tool test",
	});
	const pkce = await createPkce();
	const request = await oauth.parseAuthRequest(new Request(authorizeUrl(client.clientId, pkce)));
	const { redirectTo } = await oauth.completeAuthorization({
		request,
		userId: String(props.githubId),
		metadata: {},
		scope: [...scopes],
		props,
	});
	const code = new URL(redirectTo).searchParams.get("code") ?? "";
	const tokens = await exchangeCode(client.clientId, code, pkce.verifier);
	if (tokens.status !== 200) throw new Error(`token exchange failed: ${tokens.status}`);
	return ((await tokens.json()) as { access_token: string }).access_token;
}

export type StandInFault = "unauthorized" | "forbidden" | "rate_limited" | "server_error";

/** A GitHub token minted by the stand-in for `login`, optionally failing every API call. */
export async function mintGithubToken(login: string, options: { scopes?: string[]; fault?: StandInFault } = {}): Promise<string> {
	const response = await fetch(`${standIn().baseUrl}/_standin/tokens`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({
			login,
			scopes: options.scopes ?? ["read:user", "user:email", "repo"],
			...(options.fault ? { fault: options.fault } : {}),
		}),
	});
	if (!response.ok) throw new Error(`stand-in token mint failed: ${response.status}`);
	return ((await response.json()) as { token: string }).token;
}

export const OCTOCAT = { githubId: 583231, login: "octocat", name: "The Octocat", email: "octocat@github.com" } as const;

/** Props for octocat with a freshly minted (optionally faulty) GitHub token. */
export async function octocatProps(fault?: StandInFault): Promise<Props> {
	const scopes = ["read:user", "user:email", "repo"];
	return { ...OCTOCAT, scopes, accessToken: await mintGithubToken("octocat", { scopes, ...(fault ? { fault } : {}) }) };
}
