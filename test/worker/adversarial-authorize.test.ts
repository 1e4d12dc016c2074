/**
 * The adversarial battery, as data: the browser's steps of the authorization server. /authorize
 * refuses on a page a client or redirect URI it cannot trust, and sends a trusted client an error
 * for a bad request; consent is bound to the browser that opened it, used once, never framed;
 * /callback's state is single use and bound to the browser. Each row is an attack and its exact
 * outcome (battery.ts plays them); no row may get a 500 or a stack trace.
 */
import { describe } from "vitest";
import { LOOPBACK_REDIRECT_URI } from "../support/oauth-flow";
import { authorize, authorizeParams, type HttpCase, playHttpCases } from "./battery";
import { ORIGIN } from "./harness";

const CASES: HttpCase[] = [
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
];

describe("adversarial battery: /authorize, consent and /callback", () => {
	playHttpCases(CASES);
});
