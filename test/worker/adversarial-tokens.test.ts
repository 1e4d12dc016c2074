/**
 * The adversarial battery, as data: the authorization server's JSON endpoints. /token refuses
 * codes and refresh tokens that are wrong, reused, another client's or malformed; dynamic client
 * registration refuses dangerous or malformed metadata and stores nothing, and a registered name
 * shows escaped on the consent page. Each row is an attack and its exact outcome (battery.ts
 * plays them); no row may get a 500 or a stack trace.
 */
import { describe } from "vitest";
import { LOOPBACK_REDIRECT_URI } from "../support/oauth-flow";
import { authorize, authorizeParams, type Given, type HttpCase, playHttpCases, REGISTRATION, tokenForm } from "./battery";
import { ORIGIN } from "./harness";

const CASES: HttpCase[] = [
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

describe("adversarial battery: /token and /register", () => {
	playHttpCases(CASES);
});
