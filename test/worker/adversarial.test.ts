/**
 * The adversarial battery, as data. Each row is an attack and its exact outcome: the status, the
 * error code and where it shows (JSON, a redirect to the client, a local page), and that nothing
 * was issued or stored (KV keys by prefix, writes and credentials that reached the GitHub
 * stand-in). Two runners play the rows: one for the authorization server and its pages, one for
 * the MCP endpoint, where every row runs on each lane (legacy /mcp, legacy /sse, modern /mcp) and
 * the lane must keep serving afterwards. No row may ever get a 500 or a stack trace.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeCaller } from "../../src/mcp/caller";
import { fromAddress } from "../support/client-address";
import { CookieJar } from "../support/cookie-jar";
import { countKeysByPrefix } from "../support/kv";
import { type LaneReply, openRawLane, type PostOptions, WIRE_LANES, type WireLane } from "../support/mcp-lanes";
import { discard, resultText } from "../support/mcp-wire";
import { type ConsentStep, LOOPBACK_REDIRECT_URI, OAuthFlow, type SignedIn, signInAtGithub } from "../support/oauth-flow";
import { createPkce, type Pkce } from "../support/pkce";
import { createStandInUser, mintGithubToken, presentedTokens, standInWrites } from "../support/standin";
import { grantProps, OCTOCAT } from "../support/users";
import { issueTokens, ORIGIN, standIn } from "./harness";
import { workerSend } from "./worker-send";

// Registrations are limited per client address: every request here comes from one of its own.
const send = fromAddress(workerSend());
const flow = new OAuthFlow({ origin: ORIGIN, send });

const STORED = ["client:", "grant:", "token:"] as const;
type Stored = (typeof STORED)[number];

/** Nothing in a response may look like a stack trace or an internal error. */
const STACK_TRACE = /\bat .+\.(?:ts|js|mjs):\d+|\bTypeError\b|\bSyntaxError\b|\bReferenceError\b|\bDataCloneError\b|Internal Server Error/;

// --- the authorization server, the consent and sign-in pages, registration -------------------

/** What an attack starts from: a legitimate user's progress that the attacker then abuses. */
interface Given {
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

type Fixture = "nothing" | "client" | "consent" | "callback" | "declined at GitHub" | "code" | "code exchanged" | "signed in";

async function arrange(fixture: Fixture, clientMetadata: Record<string, unknown> = {}): Promise<Partial<Given>> {
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
interface HttpAttack {
	method?: "GET" | "POST";
	path: string | URL;
	query?: Record<string, string>;
	form?: Record<string, string | string[]>;
	/** A JSON body (a string is sent as is). */
	json?: unknown;
	/** The legitimate user's browser (its cookies), or a fresh one. */
	browser?: "the user's" | "another";
}

interface HttpOutcome {
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

interface HttpCase {
	name: string;
	given: Fixture;
	clientMetadata?: Record<string, unknown>;
	attack: (given: Partial<Given>) => HttpAttack;
	expect: HttpOutcome;
}

const authorize = (query: Record<string, string>): HttpAttack => ({ path: "/authorize", query });

function authorizeParams(given: Partial<Given>, extra: Record<string, string> = {}): Record<string, string> {
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

function tokenForm(given: Partial<Given>, extra: Record<string, string> = {}): Record<string, string> {
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

const REGISTRATION = { client_name: "x", token_endpoint_auth_method: "none" };

const HTTP_CASES: HttpCase[] = [
	// --- /authorize: refused on a page when the client or its redirect URI cannot be trusted ---
	...[
		"http://127.0.0.1:1/evil",
		"https://evil.example/oauth/callback",
		`${LOOPBACK_REDIRECT_URI}/../evil`,
		`${LOOPBACK_REDIRECT_URI}x`,
		`${LOOPBACK_REDIRECT_URI}/`,
		`${LOOPBACK_REDIRECT_URI}?next=https://evil.example`,
		`${LOOPBACK_REDIRECT_URI}#fragment`,
		LOOPBACK_REDIRECT_URI.replace("/oauth/", "/OAUTH/"),
		LOOPBACK_REDIRECT_URI.replace("127.0.0.1", "localhost"),
	].map(
		(redirect): HttpCase => ({
			name: `/authorize with an unregistered or altered redirect_uri (${redirect}): refused on a page`,
			given: "client",
			attack: (given) => authorize(authorizeParams(given, { redirect_uri: redirect })),
			expect: { status: 400, via: "page", excludes: ["evil.example"] },
		}),
	),
	...["unknown-client", "", "x".repeat(2000), "https://evil.example/client.json"].map(
		(clientId): HttpCase => ({
			name: `/authorize for an unknown client (${clientId.slice(0, 40)}): refused on a page`,
			given: "client",
			attack: (given) => authorize(authorizeParams(given, { client_id: clientId })),
			expect: { status: 400, via: "page" },
		}),
	),
	{
		name: "/authorize without PKCE: invalid_request back to the client",
		given: "client",
		attack: (given) => {
			const { code_challenge: _c, code_challenge_method: _m, ...rest } = authorizeParams(given);
			return authorize(rest);
		},
		expect: { status: 302, via: "redirect", error: "invalid_request" },
	},
	...["plain", "PLAIN", "S512", ""].map(
		(method): HttpCase => ({
			name: `/authorize with PKCE method "${method}": invalid_request back to the client`,
			given: "client",
			attack: (given) => authorize(authorizeParams(given, { code_challenge: "a".repeat(43), code_challenge_method: method })),
			expect: { status: 302, via: "redirect", error: "invalid_request" },
		}),
	),
	...["token", "code token", "id_token", "none"].map(
		(responseType): HttpCase => ({
			name: `/authorize with response_type=${responseType}: unsupported_response_type back to the client`,
			given: "client",
			attack: (given) => authorize(authorizeParams(given, { response_type: responseType })),
			expect: { status: 302, via: "redirect", error: "unsupported_response_type" },
		}),
	),
	// --- /token -------------------------------------------------------------------------------
	{
		name: "/token with the wrong PKCE verifier: invalid_grant, no token",
		given: "code",
		attack: (given) => ({ method: "POST", path: "/token", form: tokenForm(given, { code_verifier: "x".repeat(43) }) }),
		expect: { status: 400, via: "json", error: "invalid_grant" },
	},
	{
		name: "/token without a PKCE verifier: invalid_grant or invalid_request, no token",
		given: "code",
		attack: (given) => {
			const { code_verifier: _v, ...rest } = tokenForm(given);
			return { method: "POST", path: "/token", form: rest };
		},
		expect: { status: 400, via: "json", error: "invalid_request" },
	},
	{
		name: "/token with a reused authorization code: invalid_grant, and the tokens of its first use stop working",
		given: "code exchanged",
		attack: (given) => ({ method: "POST", path: "/token", form: tokenForm(given) }),
		expect: { status: 400, via: "json", error: "invalid_grant", stored: { "grant:": -1, "token:": -1 }, grantEnded: true },
	},
	{
		name: "/token with a code presented by another client: invalid_grant, no token",
		given: "code",
		attack: (given) => ({ method: "POST", path: "/token", form: tokenForm(given, { client_id: given.otherClientId ?? "" }) }),
		expect: { status: 400, via: "json", error: "invalid_grant" },
	},
	...["https://other.example.com", `${ORIGIN}/other`, `${ORIGIN}:8443`, "http://mcp.example.com", `${ORIGIN}/mcp?x=1`].map(
		(resource): HttpCase => ({
			name: `/token exchanging a code for another resource (${resource}): invalid_target, no token`,
			given: "code",
			attack: (given) => ({ method: "POST", path: "/token", form: tokenForm(given, { resource }) }),
			expect: { status: 400, via: "json", error: "invalid_target" },
		}),
	),
	{
		name: "/token refreshing another client's refresh token: invalid_grant, no token",
		given: "signed in",
		attack: (given) => ({
			method: "POST",
			path: "/token",
			form: { grant_type: "refresh_token", client_id: given.otherClientId ?? "", refresh_token: given.signedIn?.refreshToken ?? "" },
		}),
		expect: { status: 400, via: "json", error: "invalid_grant" },
	},
	{
		name: "/token with a refresh token whose secret was altered: invalid_grant, no token",
		given: "signed in",
		attack: (given) => ({
			method: "POST",
			path: "/token",
			form: {
				grant_type: "refresh_token",
				client_id: given.clientId ?? "",
				refresh_token: `${given.signedIn?.refreshToken.slice(0, -1)}${given.signedIn?.refreshToken.endsWith("A") ? "B" : "A"}`,
			},
		}),
		expect: { status: 400, via: "json", error: "invalid_grant" },
	},
	{
		name: "/token with an access token presented as a refresh token: invalid_grant, no token",
		given: "signed in",
		attack: (given) => ({
			method: "POST",
			path: "/token",
			form: { grant_type: "refresh_token", client_id: given.clientId ?? "", refresh_token: given.signedIn?.accessToken ?? "" },
		}),
		expect: { status: 400, via: "json", error: "invalid_grant" },
	},
	// Values too long to be a KV key were an uncaught exception (a 500) before src/bounded-kv.ts.
	...(
		[
			["client_id", (given: Partial<Given>) => tokenForm(given, { client_id: "c".repeat(600) }), "invalid_client", 401],
			["code", (given: Partial<Given>) => tokenForm(given, { code: `${"u".repeat(600)}:grant:secret` }), "invalid_grant", 400],
			[
				"refresh token",
				(given: Partial<Given>) => ({
					grant_type: "refresh_token",
					client_id: given.clientId ?? "",
					refresh_token: `u:${"g".repeat(600)}:s`,
				}),
				"invalid_grant",
				400,
			],
		] as const
	).map(
		([what, form, error, status]): HttpCase => ({
			name: `/token with a ${what} too long to be stored anywhere: ${error}, no 500`,
			given: "code",
			attack: (given) => ({ method: "POST", path: "/token", form: form(given) }),
			expect: { status, via: "json", error },
		}),
	),
	{
		name: "/token revoking a token too long to be stored anywhere: 200 (RFC 7009), no 500",
		given: "client",
		attack: (given) => ({ method: "POST", path: "/token", form: { token: `${"u".repeat(600)}:g:s`, client_id: given.clientId ?? "" } }),
		expect: { status: 200, via: "empty" },
	},
	// --- consent: bound to the browser that opened it, used once, never framed -----------------
	{
		name: "consent approved from another browser (no binding cookie): 400 on a page, nothing issued",
		given: "consent",
		attack: (given) => ({
			method: "POST",
			path: "/authorize",
			form: { handle: given.consent?.handle ?? "", action: "approve" },
			browser: "another",
		}),
		expect: { status: 400, via: "page" },
	},
	{
		name: "consent approved with a forged handle: 400 on a page, nothing issued",
		given: "consent",
		attack: (given) => ({
			method: "POST",
			path: "/authorize",
			form: { handle: `${given.consent?.handle ?? ""}x`, action: "approve" },
			browser: "the user's",
		}),
		expect: { status: 400, via: "page" },
	},
	{
		name: "consent handle reused after approval: 400 on a page, nothing issued",
		given: "callback",
		attack: (given) => ({
			method: "POST",
			path: "/authorize",
			form: { handle: given.consent?.handle ?? "", action: "approve" },
			browser: "the user's",
		}),
		expect: { status: 400, via: "page" },
	},
	{
		name: "consent page in a frame: forbidden by its headers",
		given: "client",
		attack: (given) => ({ ...authorize(authorizeParams(given)), browser: "another" }),
		expect: {
			status: 200,
			via: "consent page",
			headers: { "X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'" },
		},
	},
	// --- /callback: state single use and bound to the browser ---------------------------------
	{
		name: "/callback with a state already used: 400 on a page, nothing issued",
		given: "code",
		attack: (given) => ({ path: given.callback ?? "/callback", browser: "the user's" }),
		expect: { status: 400, via: "page" },
	},
	{
		name: "/callback with a state from another browser: 400 on a page, nothing issued",
		given: "callback",
		attack: (given) => ({ path: given.callback ?? "/callback", browser: "another" }),
		expect: { status: 400, via: "page" },
	},
	{
		name: "/callback with a forged state: 400 on a page, nothing issued",
		given: "callback",
		attack: (given) => {
			const forged = new URL(given.callback ?? `${ORIGIN}/callback`);
			forged.searchParams.set("state", `${forged.searchParams.get("state") ?? ""}x`);
			return { path: forged, browser: "the user's" };
		},
		expect: { status: 400, via: "page" },
	},
	{
		name: "GitHub answers error=access_denied: access_denied back to the client, nothing issued",
		given: "declined at GitHub",
		attack: (given) => ({ path: given.callback ?? "/callback", browser: "the user's" }),
		expect: { status: 302, via: "redirect", error: "access_denied" },
	},
	// --- dynamic client registration ----------------------------------------------------------
	...[
		"javascript:alert(1)",
		"JavaScript:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"file:///etc/passwd",
		"http://evil.example/cb",
		"http://127.0.0.1.evil.example/cb",
		"https://user:pass@app.example/cb",
		"https://app.example/cb#fragment",
	].map(
		(uri): HttpCase => ({
			name: `registration with the redirect URI ${uri}: invalid_redirect_uri (RFC 7591 §3.2.2), nothing stored`,
			given: "nothing",
			attack: () => ({ method: "POST", path: "/register", json: { ...REGISTRATION, redirect_uris: [uri] } }),
			expect: { status: 400, via: "json", error: "invalid_redirect_uri" },
		}),
	),
	...[
		["malformed JSON", "{not json"],
		["a JSON array", "[]"],
		["JSON null", "null"],
		["a JSON string", '"client"'],
		["redirect_uris not a list", JSON.stringify({ ...REGISTRATION, redirect_uris: "http://127.0.0.1:1/cb" })],
		["no redirect URI", JSON.stringify({ ...REGISTRATION, redirect_uris: [] })],
		["a redirect URI that is not a string", JSON.stringify({ ...REGISTRATION, redirect_uris: [1] })],
		["a script client_uri", JSON.stringify({ ...REGISTRATION, redirect_uris: [LOOPBACK_REDIRECT_URI], client_uri: "javascript:alert(1)" })],
	].map(
		([what, body]): HttpCase => ({
			name: `registration with ${what}: 400, nothing stored`,
			given: "nothing",
			attack: () => ({ method: "POST", path: "/register", json: body }),
			expect: { status: 400, via: "json" },
		}),
	),
	...[100 * 1024, 2 * 1024 * 1024].map(
		(size): HttpCase => ({
			name: `registration with ${size / 1024} KiB of metadata: 413, nothing stored`,
			given: "nothing",
			attack: () => ({
				method: "POST",
				path: "/register",
				json: { ...REGISTRATION, client_name: "x".repeat(size), redirect_uris: [LOOPBACK_REDIRECT_URI] },
			}),
			expect: { status: 413, via: "json", error: "invalid_request" },
		}),
	),
	...(
		[
			['<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;", "<img src=x"],
			['"><script>alert(1)</script>', "&quot;&gt;&lt;script&gt;", "<script>alert(1)"],
			["Trusted\u202Eevil\u202C App", "Trustedevil App", "\u202E"],
			["Zero\u200Bwidth\u0000\u0007", "Zerowidth", "\u200B"],
			[`Long ${"name ".repeat(100)}`, "…", "name ".repeat(20)],
		] as [name: string, shown: string, never: string][]
	).map(
		([name, shown, never]): HttpCase => ({
			name: `a client named ${JSON.stringify(name.slice(0, 30))}: its consent page shows it escaped, cleaned and bounded`,
			given: "client",
			clientMetadata: { client_name: name, client_uri: "https://app.example/?a=1&b=<2>" },
			attack: (given) => ({ ...authorize(authorizeParams(given)), browser: "another" }),
			expect: {
				status: 200,
				via: "consent page",
				includes: [shown, 'href="https://app.example/?a=1&amp;b=%3C2%3E"'],
				excludes: [never],
			},
		}),
	),
];

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

describe("adversarial battery: the authorization server and its pages", () => {
	it.each(HTTP_CASES)("$name", async ({ given: fixture, clientMetadata, attack: build, expect: outcome }) => {
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
});

// --- the MCP endpoint, on every lane ---------------------------------------------------------

/** Who the attacking lane is signed in as: a user of its own (tool-call limits are per user). */
interface Caller {
	/** The token's MCP scopes (default: all). */
	scopes?: string[];
	/** A user outside the write allow-list (ALLOWED_GITHUB_ORGS=octo-org in the tests). */
	outsider?: boolean;
}

/** The Authorization the attack presents instead of the lane's token. */
type Credential = "none" | "expired" | "a GitHub token" | { header: string } | { tokenVariant: (token: string) => string };

interface McpAttack {
	/** A JSON-RPC request, framed by each lane; or a raw body, posted as is. */
	rpc?: { method: string; params?: Record<string, unknown> };
	raw?: string | (() => string);
	credential?: Credential;
	/** The lane's own token in the URL's query instead of the header. */
	tokenInQuery?: string;
	headers?: Record<string, string>;
	rewrite?: (body: string) => string;
	/** A caller header forged by the client, naming this user with every scope. */
	forgedCaller?: boolean;
}

interface McpOutcome {
	status: number;
	/** A JSON-RPC error code, in the body or (SSE) on the stream. */
	rpcError?: number;
	/** An OAuth-style JSON error (`error` field). */
	error?: string;
	/** WWW-Authenticate must contain each. */
	challenge?: string[];
	/** A tool result with isError, whose text contains this. */
	toolRefusal?: string;
	/** whoami's answer: the token's own user (never a forged one) with these scopes. */
	identity?: { scopes: string[] };
}

interface McpCase {
	name: string;
	as?: Caller;
	lanes?: readonly WireLane[];
	attack: McpAttack;
	/** One outcome for every lane, or one per lane. */
	expect: McpOutcome | Record<WireLane, McpOutcome>;
}

const CREATE_ISSUE = { name: "create_issue", arguments: { owner: "octocat", repo: "repo-a-0", title: "battery" } };
const BAD_TOKEN = { status: 401, error: "invalid_token", challenge: ['error="invalid_token"', "resource_metadata="] };
const NO_TOKEN = { status: 401, challenge: ["Bearer ", `resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`] };
const INSUFFICIENT_SCOPE = {
	status: 403,
	error: "insufficient_scope",
	challenge: ['error="insufficient_scope"', 'scope="github:read github:write"'],
};
/** SDK v1 answers an unknown or disabled tool with an error result; SDK v2 with a JSON-RPC error. */
const NOT_FOUND_TOOL: Record<WireLane, McpOutcome> = {
	"legacy-mcp": { status: 200, toolRefusal: "not found" },
	"legacy-sse": { status: 202, toolRefusal: "not found" },
	modern: { status: 200, rpcError: -32602 },
};

const MCP_CASES: McpCase[] = [
	// --- malformed input: a 4xx or a JSON-RPC error, never a 500 ---
	...["{not json", "", "{", '{"jsonrpc":"2.0",', "\u0000", "nul", '"\\ud800"x'].map(
		(raw): McpCase => ({
			name: `malformed JSON ${JSON.stringify(raw)}: 400 parse error`,
			attack: { raw },
			expect: { status: 400, rpcError: -32700 },
		}),
	),
	{
		name: "an unknown method: method not found",
		attack: { rpc: { method: "no/such/method" } },
		expect: {
			"legacy-mcp": { status: 200, rpcError: -32601 },
			"legacy-sse": { status: 202, rpcError: -32601 },
			modern: { status: 404, rpcError: -32601 },
		},
	},
	...[{ a: "1", b: [] }, { a: null, b: {} }, { a: true, b: "2" }, { a: 1 }, {}].map(
		(args): McpCase => ({
			name: `wrong argument types ${JSON.stringify(args)}: an error result, never run`,
			attack: { rpc: { method: "tools/call", params: { name: "add", arguments: args } } },
			expect: {
				"legacy-mcp": { status: 200, toolRefusal: "Input validation error" },
				"legacy-sse": { status: 202, toolRefusal: "Input validation error" },
				modern: { status: 200, toolRefusal: "Input validation error" },
			},
		}),
	),
	{
		// SDK v1 answers a request that fails its schema with -32603 (and the schema's complaint).
		name: "arguments that are not an object: a JSON-RPC error, never run",
		attack: { rpc: { method: "tools/call", params: { name: "add", arguments: [1, 2] } } },
		expect: {
			"legacy-mcp": { status: 200, rpcError: -32603 },
			"legacy-sse": { status: 202, rpcError: -32603 },
			modern: { status: 200, rpcError: -32602 },
		},
	},
	{
		name: "a multi-megabyte body: 413",
		attack: { rpc: { method: "tools/call", params: { name: "add", arguments: { a: 1, b: 2, pad: "x".repeat(5 * 1024 * 1024) } } } },
		expect: { status: 413, rpcError: -32600 },
	},
	// --- bearer tokens ---
	{
		name: "the token in the query string instead of the header: 401",
		attack: { rpc: { method: "tools/list" }, credential: "none", tokenInQuery: "access_token" },
		expect: NO_TOKEN,
	},
	{
		name: "no token: 401 naming the resource metadata",
		attack: { rpc: { method: "tools/list" }, credential: "none" },
		expect: NO_TOKEN,
	},
	...[
		"Bearer x",
		"Bearer a:b:c",
		"Bearer Bearer",
		`Bearer ${"a".repeat(5000)}`,
		"Bearer 583231:nogrant:nosecret",
		`Bearer ${"u".repeat(600)}:grant:secret`,
		`Bearer user:${"g".repeat(600)}:secret`,
		"Basic dXNlcjpwYXNz",
	].map(
		(header): McpCase => ({
			name: `a garbage Authorization header (${header.slice(0, 30)}): 401`,
			attack: { rpc: { method: "tools/list" }, credential: { header } },
			expect: header.startsWith("Basic") ? NO_TOKEN : BAD_TOKEN,
		}),
	),
	...(
		[
			["its secret altered", (token: string) => `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`],
			["its secret truncated", (token: string) => token.slice(0, -4)],
			["its secret extended", (token: string) => `${token}x`],
			["another grant id", (token: string) => token.replace(/:[^:]+:/, ":AAAAAAAAAAAAAAAA:")],
			["lowercased", (token: string) => token.toLowerCase()],
		] as const
	).map(
		([what, variant]): McpCase => ({
			name: `the lane's token with ${what}: 401`,
			attack: { rpc: { method: "tools/list" }, credential: { tokenVariant: variant } },
			expect: BAD_TOKEN,
		}),
	),
	{ name: "an expired token: 401", attack: { rpc: { method: "tools/list" }, credential: "expired" }, expect: BAD_TOKEN },
	{
		name: "a GitHub token presented as an MCP token: 401",
		attack: { rpc: { method: "tools/list" }, credential: "a GitHub token" },
		expect: BAD_TOKEN,
	},
	// --- browser origins (DNS rebinding, cross-site) ---
	...[
		"https://evil.example",
		"null",
		"http://attacker.example:8788",
		"https://mcp.example.com.evil.example",
		"https://evil.example.com",
	].map(
		(origin): McpCase => ({
			name: `a request from the web origin ${origin}: 403`,
			attack: { rpc: { method: "tools/call", params: { name: "add", arguments: { a: 1, b: 2 } } }, headers: { Origin: origin } },
			expect: { status: 403, error: "forbidden_origin" },
		}),
	),
	// --- scopes, per call ---
	{
		name: "a read-only token calling a write tool: 403 insufficient_scope naming the scopes",
		as: { scopes: ["github:read"] },
		attack: { rpc: { method: "tools/call", params: CREATE_ISSUE } },
		expect: INSUFFICIENT_SCOPE,
	},
	{
		name: "a read-only token calling a write tool named with a JSON escape: 403",
		as: { scopes: ["github:read"] },
		attack: {
			rpc: { method: "tools/call", params: CREATE_ISSUE },
			rewrite: (body) => body.replace('"create_issue"', '"create\\u005fissue"'),
		},
		expect: INSUFFICIENT_SCOPE,
	},
	{
		name: "a read-only token calling a write tool behind a duplicate name key: 403",
		as: { scopes: ["github:read"] },
		lanes: ["legacy-mcp", "legacy-sse"],
		attack: {
			rpc: { method: "tools/call", params: CREATE_ISSUE },
			rewrite: (body) => body.replace('"name":"create_issue"', '"name":"add","name":"create_issue"'),
		},
		expect: INSUFFICIENT_SCOPE,
	},
	...["CREATE_ISSUE", "create_issue ", " create_issue", "create\u0456ssue", "create_issue\u0000"].map(
		(name): McpCase => ({
			name: `a read-only token calling the write tool spelled ${JSON.stringify(name)}: not found, never run`,
			as: { scopes: ["github:read"] },
			attack: { rpc: { method: "tools/call", params: { ...CREATE_ISSUE, name } } },
			expect: NOT_FOUND_TOOL,
		}),
	),
	// --- the write allow-list, per call ---
	{
		name: "a user outside the write allow-list calling a write tool by name: refused, nothing written",
		as: { outsider: true },
		attack: { rpc: { method: "tools/call", params: CREATE_ISSUE } },
		expect: {
			// Both lanes let the call reach invoke.ts, which refuses it and records the refusal (audit).
			"legacy-mcp": { status: 200, toolRefusal: "limited to allowed GitHub accounts" },
			"legacy-sse": { status: 202, toolRefusal: "limited to allowed GitHub accounts" },
			modern: { status: 200, toolRefusal: "limited to allowed GitHub accounts" },
		},
	},
	// --- the caller travels from the guard, never from the client ---
	{
		name: "a caller header forged by the client (another user, every scope): ignored, the token's own user and scopes apply",
		as: { scopes: ["github:read"] },
		attack: { rpc: { method: "tools/call", params: { name: "whoami", arguments: {} } }, forgedCaller: true },
		expect: {
			"legacy-mcp": { status: 200, identity: { scopes: ["github:read"] } },
			"legacy-sse": { status: 202, identity: { scopes: ["github:read"] } },
			modern: { status: 200, identity: { scopes: ["github:read"] } },
		},
	},
];

/** A user of the test's own, signed in (tokens issued), for one lane run. */
async function callerFor(as: Caller = {}) {
	const user = await createStandInUser(standIn().baseUrl, as.outsider ? {} : { orgs: ["octo-org"] });
	const githubScopes = ["read:user", "user:email", "repo"];
	const githubToken = await mintGithubToken(standIn().baseUrl, user.login, { scopes: githubScopes });
	const tokens = await issueTokens(grantProps(user, { accessToken: githubToken, scopes: githubScopes }), as.scopes);
	return { user, githubToken, ...tokens };
}

async function expireAccessToken(accessToken: string): Promise<void> {
	// The token record (token:<user>:<grant>:<hash>) says when it expires; KV's own expiry only deletes it later.
	const [userId, grantId] = accessToken.split(":");
	const { keys } = await env.OAUTH_KV.list({ prefix: `token:${userId}:${grantId}:` });
	expect(keys).toHaveLength(1);
	const key = keys[0]?.name ?? "";
	const record = (await env.OAUTH_KV.get(key, { type: "json" })) as { expiresAt: number };
	await env.OAUTH_KV.put(key, JSON.stringify({ ...record, expiresAt: Math.floor(Date.now() / 1000) - 1 }));
}

function outcomeFor(outcome: McpCase["expect"], lane: WireLane): McpOutcome {
	return "status" in outcome ? (outcome as McpOutcome) : (outcome as Record<WireLane, McpOutcome>)[lane];
}

function expectNoSecret(reply: LaneReply, secrets: string[]): void {
	const headers = [...reply.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
	for (const secret of secrets) {
		expect(reply.body).not.toContain(secret);
		expect(headers).not.toContain(secret);
		expect(JSON.stringify(reply.message ?? null)).not.toContain(secret);
	}
}

const RUNS = MCP_CASES.flatMap((mcpCase) => (mcpCase.lanes ?? WIRE_LANES).map((lane) => ({ ...mcpCase, lane })));

describe("adversarial battery: the MCP endpoint, on every lane", () => {
	it.each(RUNS)("$lane: $name", async ({ lane, as, attack, expect: expected }) => {
		const caller = await callerFor(as);
		const raw = await openRawLane(lane, { send, origin: ORIGIN, token: caller.accessToken });
		try {
			let authorization: string | null | undefined;
			const credential = attack.credential;
			if (credential === "none") authorization = null;
			else if (credential === "expired") {
				await expireAccessToken(caller.accessToken);
				authorization = `Bearer ${caller.accessToken}`;
			} else if (credential === "a GitHub token") authorization = `Bearer ${caller.githubToken}`;
			else if (credential && "header" in credential) authorization = credential.header;
			else if (credential) authorization = `Bearer ${credential.tokenVariant(caller.accessToken)}`;

			const headers: Record<string, string> = { ...attack.headers };
			if (attack.forgedCaller) {
				headers["X-MCP-Caller"] = encodeCaller({
					user: { ...OCTOCAT },
					grant: { userId: OCTOCAT.id, grantId: "forged", clientId: "forged" },
					scopes: ["github:read", "github:private", "github:write"],
					upstream: { accessToken: caller.githubToken, scopes: ["repo"] },
					view: { toolsets: null, readonly: false },
					origin: ORIGIN,
				});
			}
			const options: PostOptions = {
				...(authorization !== undefined ? { authorization } : {}),
				headers,
				...(attack.tokenInQuery ? { query: { [attack.tokenInQuery]: caller.accessToken } } : {}),
				...(attack.rewrite ? { rewrite: attack.rewrite } : {}),
			};
			const reply = attack.rpc
				? await raw.request(attack.rpc.method, attack.rpc.params, { ...options, id: 7 })
				: await raw.post(typeof attack.raw === "function" ? attack.raw() : (attack.raw ?? ""), options);

			const outcome = outcomeFor(expected, lane);
			expect(reply.status, reply.body.slice(0, 300)).toBe(outcome.status);
			expect(reply.body).not.toMatch(STACK_TRACE);
			expectNoSecret(reply, [caller.githubToken]);
			if (outcome.rpcError !== undefined) expect(reply.message?.error?.code, reply.body.slice(0, 300)).toBe(outcome.rpcError);
			if (outcome.error !== undefined) expect((JSON.parse(reply.body) as { error?: string }).error).toBe(outcome.error);
			for (const piece of outcome.challenge ?? []) expect(reply.headers.get("WWW-Authenticate") ?? "").toContain(piece);
			if (outcome.toolRefusal !== undefined) {
				expect(reply.message?.result?.isError, JSON.stringify(reply.message)).toBe(true);
				expect(resultText(reply.message?.result)).toContain(outcome.toolRefusal);
			}
			if (outcome.identity !== undefined) {
				expect(reply.message?.result?.isError ?? false, JSON.stringify(reply.message)).toBe(false);
				expect(reply.message?.result?.structuredContent).toMatchObject({ login: caller.user.login, scopes: outcome.identity.scopes });
			}

			// The lane keeps serving its rightful client (whose token, if it expired, is refreshed).
			let rightful: PostOptions = {};
			if (credential === "expired") {
				const refreshed = await flow.refresh(caller.clientId, caller.refreshToken);
				rightful = { authorization: `Bearer ${((await refreshed.json()) as { access_token: string }).access_token}` };
			}
			const after = await raw.request("tools/call", { name: "add", arguments: { a: 2, b: 3 } }, { ...rightful, id: 8 });
			expect(after.message?.result?.content, after.body.slice(0, 300)).toEqual([{ type: "text", text: "5" }]);
			expectNoSecret(after, [caller.githubToken]);
		} finally {
			await raw.close();
		}
		// Nothing was written to GitHub, and no MCP credential ever reached it.
		expect(await standInWrites(standIn().baseUrl, caller.githubToken)).toEqual([]);
		const presented = await presentedTokens(standIn().baseUrl);
		expect(presented).not.toContain(caller.accessToken);
		expect(presented).not.toContain(caller.refreshToken);
	});

	it("the server still signs in and serves every lane after all of the above", async () => {
		const signedIn = await flow.signIn();
		for (const lane of WIRE_LANES) {
			const raw = await openRawLane(lane, { send, origin: ORIGIN, token: signedIn.accessToken });
			const reply = await raw.request("tools/call", { name: "whoami", arguments: {} }, { id: 1 });
			expect(reply.message?.result?.structuredContent).toMatchObject({ login: "octocat" });
			await raw.close();
		}
	});
});
