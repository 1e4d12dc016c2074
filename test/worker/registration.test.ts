/**
 * POST /register (dynamic client registration, RFC 7591) as this server adds to it: the limit per
 * client address, the client name cleaned, and the redirect URI rule (src/auth/redirect-uris.ts,
 * RFC 8252 §7): https, loopback http and native apps' own schemes are accepted; dangerous schemes,
 * remote plain http, fragments and userinfo are refused, however they are spelled.
 */
import { describe, expect, it } from "vitest";
import { testAddress } from "../support/client-address";
import { OAuthFlow, signInAtGithub } from "../support/oauth-flow";
import { countKeys, ORIGIN, send } from "./harness";

async function register(metadata: Record<string, unknown>, ip = testAddress()): Promise<Response> {
	return send(
		new Request(new URL("/register", ORIGIN), {
			method: "POST",
			headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
			body: JSON.stringify({
				client_name: "Registration test",
				token_endpoint_auth_method: "none",
				grant_types: ["authorization_code", "refresh_token"],
				...metadata,
			}),
		}),
	);
}

const ACCEPTED: [string, string[]][] = [
	["https to any host", ["https://app.example.net/oauth/callback"]],
	["http on 127.0.0.1 with a port", ["http://127.0.0.1:33418/oauth/callback"]],
	["http on localhost", ["http://localhost:6274/oauth/callback"]],
	["http on [::1]", ["http://[::1]:8080/cb"]],
	["a reverse-domain private-use scheme (RFC 8252 §7.1)", ["com.example.app:/oauth"]],
	["a reverse-domain scheme with an authority", ["io.github.someone.mcp://callback"]],
	["Cursor's scheme", ["cursor://anysphere.cursor-mcp/oauth/callback"]],
	["VS Code's scheme", ["vscode://vscode.github-authentication/did-authenticate"]],
	["Cursor's list: its scheme beside https and loopback", ["cursor://anysphere.cursor-mcp/oauth/callback", "http://127.0.0.1:7777/cb"]],
];

const REFUSED: [string, string][] = [
	["javascript:", "javascript:alert(document.cookie)"],
	["JavaScript: in mixed case", "JaVaScRiPt:alert(1)//"],
	["javascript: with a leading space", " javascript:alert(1)"],
	["javascript: with a tab inside the scheme", "java\tscript:alert(1)"],
	["javascript: percent-encoded payload", "javascript:%61lert(1)"],
	["data: HTML", "data:text/html,<script>alert(1)</script>"],
	["data: base64", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="],
	["file:", "file:///etc/passwd"],
	["FILE: upper case", "FILE://localhost/etc/passwd"],
	["vbscript:", "vbscript:msgbox(1)"],
	["blob:", "blob:https://app.example.net/550e8400-e29b-41d4-a716-446655440000"],
	["about:", "about:blank"],
	["mailto:", "mailto:someone@example.net"],
	["an operating-system handler without a domain name", "ms-msdt:/id PCWDiagnostic"],
	["another OS handler", "intent://scan/#Intent;scheme=zxing;end"],
	["plain http to a remote host", "http://app.example.net/cb"],
	["plain http to a host that only starts like loopback", "http://127.0.0.1.evil.example/cb"],
	["plain http to localhost.<domain>", "http://localhost.evil.example/cb"],
	["plain http to a private address", "http://192.168.1.10/cb"],
	["a fragment", "https://app.example.net/cb#fragment"],
	["an empty fragment", "https://app.example.net/cb#"],
	["a fragment on loopback", "http://127.0.0.1:1234/cb#x"],
	["userinfo", "https://user:pass@app.example.net/cb"],
	["a user name only", "https://user@app.example.net/cb"],
	["userinfo on a private-use scheme", "cursor://u:p@anysphere.cursor-mcp/oauth/callback"],
	["no scheme", "/relative/callback"],
	["a newline", "https://app.example.net/cb\nSet-Cookie: x=1"],
];

describe("POST /register: redirect URIs", () => {
	it.each(ACCEPTED)("accepts %s", async (_case, redirectUris) => {
		const response = await register({ redirect_uris: redirectUris });
		expect(response.status, await response.clone().text()).toBe(201);
		expect(((await response.json()) as { redirect_uris: string[] }).redirect_uris).toEqual(redirectUris);
	});

	it.each(REFUSED)("refuses %s, alone or beside a valid one, and stores nothing", async (_case, uri) => {
		const before = await countKeys("client:");
		for (const redirectUris of [[uri], ["http://127.0.0.1:33418/oauth/callback", uri]]) {
			const response = await register({ redirect_uris: redirectUris });
			expect(response.status).toBe(400);
			const body = (await response.json()) as { error: string };
			expect(["invalid_redirect_uri", "invalid_client_metadata"]).toContain(body.error);
		}
		expect(await countKeys("client:")).toBe(before);
	});
});

describe("POST /register: the limit per client address (REGISTRATION_RATE_LIMITER, 10 a minute)", () => {
	it("answers 429 with Retry-After over the limit, stores nothing, and leaves other addresses alone", async () => {
		const ip = testAddress();
		let accepted = 0;
		let refused: Response | null = null;
		for (let attempt = 0; attempt < 15 && !refused; attempt++) {
			const response = await register({ redirect_uris: ["http://127.0.0.1:1/cb"] }, ip);
			if (response.status === 201) accepted++;
			else refused = response;
		}
		expect(accepted).toBe(10);
		if (!refused) throw new Error("never refused");
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
		expect(((await refused.json()) as { error: string }).error).toBe("temporarily_unavailable");

		const before = await countKeys("client:");
		const again = await register({ redirect_uris: ["http://127.0.0.1:1/cb"] }, ip);
		expect(again.status).toBe(429);
		expect(await countKeys("client:")).toBe(before);

		// Another address is under its own limit.
		expect((await register({ redirect_uris: ["http://127.0.0.1:1/cb"] })).status).toBe(201);
	});
});

describe("a native app with only a private-use redirect URI", () => {
	it.each([["com.example.mcpapp:/oauth/callback"], ["cursor://anysphere.cursor-mcp/oauth/callback"]])(
		"signs in end to end with %s: consent warns about an app on this computer, the code arrives at the scheme and redeems",
		async (redirectUri) => {
			const native = new OAuthFlow({ origin: ORIGIN, send, redirectUri });
			const { client_id: clientId } = await native.register({ client_name: "Native Test App" });
			const consent = await native.openConsent(clientId);
			expect(consent.page).toContain("Access will be sent to an app on your computer");
			expect(consent.page).toContain(`<code>${new URL(redirectUri).protocol}</code>`);
			// The consent page's form may be redirected to the app's scheme (deny) and to GitHub (approve).
			expect(consent.response.headers.get("Content-Security-Policy")).toMatch(
				new RegExp(`form-action [^;]*${new URL(redirectUri).protocol}`),
			);

			const approved = await native.submitConsent(consent, "approve");
			const code = await native.codeAfterApproval(approved, consent.jar, "octocat");
			const tokens = await native.exchangeCode(clientId, code, consent.pkce.verifier);
			expect(tokens.status).toBe(200);
			expect(((await tokens.json()) as { access_token: string }).access_token).toBeTruthy();
		},
	);

	it("the final redirect goes to the app's own URI, with the code, state and issuer", async () => {
		const redirectUri = "com.example.mcpapp:/oauth/callback";
		const native = new OAuthFlow({ origin: ORIGIN, send, redirectUri });
		const { client_id: clientId } = await native.register();
		const consent = await native.openConsent(clientId, { params: { state: "native-state" } });
		const approved = await native.submitConsent(consent, "approve");
		const callback = await signInAtGithub(approved.headers.get("Location") ?? "", "octocat");
		const finished = await native.finishCallback(callback, consent.jar);
		expect(finished.status).toBe(302);
		const location = new URL(finished.headers.get("Location") ?? "");
		expect(`${location.protocol}${location.pathname}`).toBe(redirectUri);
		expect(location.searchParams.get("state")).toBe("native-state");
		expect(location.searchParams.get("iss")).toBe(ORIGIN);
		expect(location.searchParams.get("code")).toBeTruthy();
	});
});
