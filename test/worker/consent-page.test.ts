/**
 * What the consent page shows when the client lies: names with bidirectional, format, control and
 * tag characters, names mixed with HTML, names of any length, look-alike (IDN) hosts. Registered
 * names are cleaned at registration and again on display; a Client ID Metadata Document's name
 * never passes registration and is cleaned on display only. Hosts are shown in ASCII.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_NAME_MAX } from "../../src/auth/display-text";
import { visibleText } from "../support/forms";
import { OAuthFlow, signInAtGithub } from "../support/oauth-flow";
import { countKeys, flow, ORIGIN, send } from "./harness";

/** The name as the consent page's heading shows it. */
function headingName(page: string): string {
	const heading = /<h1>Allow <strong>([\s\S]*?)<\/strong>/.exec(page)?.[1] ?? "";
	return visibleText(heading);
}

/** Characters that must never reach the page: they reorder, hide or fake text. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Zl}\p{Zp}]/u;

const SPOOFED_NAMES: [string, string, string][] = [
	["RIGHT-TO-LEFT OVERRIDE", "Claude\u202Eedualc", "Claudeedualc"],
	["LEFT-TO-RIGHT/RIGHT-TO-LEFT EMBEDDING and PDF", "\u202AGood\u202B App\u202C", "Good App"],
	["LEFT-TO-RIGHT OVERRIDE", "\u202DTrusted\u202C", "Trusted"],
	["isolates (U+2066–2069)", "\u2066Cur\u2067sor\u2068\u2069", "Cursor"],
	["LRM and RLM marks", "Git\u200EHub\u200F", "GitHub"],
	["ARABIC LETTER MARK", "App\u061CName", "AppName"],
	["zero-width space, joiner, non-joiner", "Z\u200Bero\u200C Wid\u200Dth", "Zero Width"],
	["a BOM / zero-width no-break space", "\uFEFFBOM App", "BOM App"],
	["word joiner and invisible operators", "In\u2060vis\u2062ible", "Invisible"],
	["tag characters (U+E0000 block)", "Tag\u{E0041}\u{E0042}\u{E007F}ged", "Tagged"],
	["C0 controls and DEL", "Ctrl\u0000\u0007\u001B[31m\u007FName", "Ctrl[31mName"],
	["C1 controls (NEL breaks a line)", "C1\u0085\u009BName", "C1 Name"],
	["line and paragraph separators", "Line\u2028Para\u2029Name", "Line Para Name"],
	["newlines and tabs collapse to one space", "Multi\n\nLine\tName", "Multi Line Name"],
	["private-use characters", "Priv\uE000\uF8FFate", "Private"],
	["bidi override inside HTML", "<b>\u202Eevil</b>", "<b>evil</b>"],
];

describe("consent page: client names", () => {
	it.each(SPOOFED_NAMES)("%s: stored cleaned at registration and shown cleaned", async (_case, name, shown) => {
		const registered = (await flow.register({ client_name: name })) as { client_id: string; client_name?: string };
		expect(registered.client_name).toBe(shown); // what is stored
		const { page } = await flow.openConsent(registered.client_id);
		expect(headingName(page)).toBe(shown); // what is shown
		expect(INVISIBLE.test(visibleText(page).replace(/\s/g, " "))).toBe(false);
		expect(page).not.toContain("<b>");
	});

	it.each([
		["ASCII", "A".repeat(500)],
		["astral characters (emoji, 2 UTF-16 units each)", "😀".repeat(300)],
		["combining marks", "e\u0301".repeat(300)],
		["mixed scripts with HTML", `${"Привет<i>".repeat(60)}`],
	])("a very long name (%s) is bounded, cut on a character boundary, with an ellipsis", async (_case, name) => {
		const registered = await flow.register({ client_name: name });
		const { page } = await flow.openConsent(registered.client_id);
		const shown = headingName(page);
		expect([...shown].length).toBeLessThanOrEqual(CLIENT_NAME_MAX);
		expect(shown.endsWith("…")).toBe(true);
		expect(shown).not.toMatch(/\p{Cs}/u); // no lone surrogate
		expect(page).not.toContain("<i>");
	});

	it.each([
		["only invisible characters", "\u202E\u200B\u2066\u{E0041}"],
		["only spaces", "   \t  "],
	])("a name of %s becomes a neutral placeholder", async (_case, name) => {
		const registered = await flow.register({ client_name: name });
		const { page } = await flow.openConsent(registered.client_id);
		expect(["An unnamed app", registered.client_id]).toContain(headingName(page));
	});
});

describe("consent page: hosts in ASCII", () => {
	it.each([
		["a Cyrillic а in apple.com", "https://\u0430pple.com/cb", "xn--pple-43d.com"],
		["a Greek ο in google.com", "https://g\u03BF\u03BFgle.com/cb", "xn--ggle-0nda.com"],
		["full-width letters", "https://ｅｘａｍｐｌｅ.com/cb", "example.com"],
		["an upper-case host", "https://APP.Example.NET/cb", "app.example.net"],
	])("the redirect host with %s is shown as %s", async (_case, redirectUri, ascii) => {
		const client = new OAuthFlow({ origin: ORIGIN, send, redirectUri });
		const registered = await client.register();
		const { page } = await client.openConsent(registered.client_id);
		expect(visibleText(page)).toContain(`Access will be sent to ${ascii}.`);
		expect(page).not.toMatch(/[^\p{ASCII}]pple|g[^\p{ASCII}]{2}gle/u);
	});

	it("the self-declared home page is linked with its host in ASCII", async () => {
		const registered = await flow.register({ client_uri: "https://\u0430pple.com/about" });
		const { page } = await flow.openConsent(registered.client_id);
		expect(page).toContain('href="https://xn--pple-43d.com/about"');
		expect(visibleText(page)).toContain("https://xn--pple-43d.com/about");
	});

	it.each([["javascript:alert(1)"], ["data:text/html,hi"], ["ftp://files.example.net/"]])(
		"a home page that is not http(s) (%s) is not linked",
		async (clientUri) => {
			const registered = await flow.register({ client_uri: clientUri }).catch(() => null);
			if (!registered) return; // refused at registration: nothing to show
			const { page } = await flow.openConsent(registered.client_id);
			expect(page).not.toContain(`href="${clientUri}`);
		},
	);
});

describe("consent page: where access goes", () => {
	it("warns about an app on this computer for a loopback redirect", async () => {
		const { client_id } = await flow.register();
		const text = visibleText((await flow.openConsent(client_id)).page);
		expect(text).toContain("Access will be sent to 127.0.0.1.");
		expect(text).toContain("Access will be sent to an app on your computer.");
	});

	it.each([
		["com.example.app:/oauth", "com.example.app:"],
		["cursor://anysphere.cursor-mcp/oauth/callback", "cursor:"],
		["vscode://vscode.github-authentication/did-authenticate", "vscode:"],
	])("warns about an app on this computer for %s, naming its scheme", async (redirectUri, scheme) => {
		const client = new OAuthFlow({ origin: ORIGIN, send, redirectUri });
		const { client_id } = await client.register();
		const text = visibleText((await client.openConsent(client_id)).page);
		expect(text).toContain(`the one that opens ${scheme} links`);
	});

	it("does not warn for an https redirect", async () => {
		const client = new OAuthFlow({ origin: ORIGIN, send, redirectUri: "https://app.example.net/callback" });
		const { client_id } = await client.register();
		const text = visibleText((await client.openConsent(client_id)).page);
		expect(text).toContain("Access will be sent to app.example.net.");
		expect(text).not.toContain("an app on your computer");
	});

	it("says a registered app's name is not verified, offers to remember, and points to Connected apps and to GitHub", async () => {
		const { client_id } = await flow.register();
		const { page } = await flow.openConsent(client_id);
		expect(visibleText(page)).toContain("Its name is not verified");
		expect(page).toMatch(/<input type="checkbox" name="remember" value="1"/);
		expect(page).toContain('href="/connections"');
		expect(page).toMatch(/href="http:\/\/127\.0\.0\.1:\d+\/settings\/applications"/);
	});
});

// --- Client ID Metadata Documents ------------------------------------------------------------

const CIMD_REDIRECT = "http://127.0.0.1:45678/callback";

function metadataDocument(clientId: string, overrides: Record<string, unknown> = {}) {
	return {
		client_id: clientId,
		client_name: "Metadata Document App",
		client_uri: "https://cimd-app.example.net/",
		redirect_uris: [CIMD_REDIRECT],
		token_endpoint_auth_method: "none",
		grant_types: ["authorization_code", "refresh_token"],
		response_types: ["code"],
		...overrides,
	};
}

/** Serves metadata documents to the Worker's outbound fetch (this test and the Worker share one isolate). */
function serveDocuments(documents: Record<string, () => Response>) {
	const realFetch = globalThis.fetch;
	vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
		const url = new Request(input as RequestInfo).url;
		const answer = documents[url];
		return answer ? Promise.resolve(answer()) : realFetch(input as RequestInfo, init);
	});
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe("consent page: a Client ID Metadata Document client", () => {
	it("names the verified domain (in ASCII) and shows the document's name cleaned", async () => {
		const clientId = "https://xn--cimd-pp-4ve.example/client.json"; // a look-alike host, already punycode on the wire
		serveDocuments({
			[clientId]: () =>
				Response.json(metadataDocument(clientId, { client_name: "\u202EMeta\u200B App<script>" }), {
					headers: { "Cache-Control": "no-store" },
				}),
		});
		const cimd = new OAuthFlow({ origin: ORIGIN, send, redirectUri: CIMD_REDIRECT });
		const { page } = await cimd.openConsent(clientId);
		expect(visibleText(page)).toContain("Verified: this app is published by xn--cimd-pp-4ve.example");
		expect(headingName(page)).toBe("Meta App<script>");
		expect(page).not.toContain("<script>");
		expect(visibleText(page)).not.toContain("not verified");
	});

	it.each([
		["cannot be fetched (HTTP 404)", () => new Response("not here", { status: 404 })],
		["cannot be fetched (HTTP 500)", () => new Response("oops", { status: 500 })],
		["is not JSON", () => new Response("<html>hello</html>", { headers: { "Content-Type": "text/html" } })],
		["is invalid JSON", () => new Response('{"client_id": ', { headers: { "Content-Type": "application/json" } })],
		["names another client_id", () => Response.json(metadataDocument("https://cimd-bad.example.net/other.json"))],
		[
			"does not list the redirect URI",
			() =>
				Response.json(metadataDocument("https://cimd-bad.example.net/client.json", { redirect_uris: ["http://127.0.0.1:1/elsewhere"] })),
		],
		[
			"lists a dangerous redirect URI",
			() =>
				Response.json(
					metadataDocument("https://cimd-bad.example.net/client.json", { redirect_uris: [CIMD_REDIRECT, "javascript:alert(1)"] }),
				),
		],
	])("a document that %s gets a clear error page (400), never a redirect", async (_case, answer) => {
		const clientId = "https://cimd-bad.example.net/client.json";
		serveDocuments({ [clientId]: answer });
		const cimd = new OAuthFlow({ origin: ORIGIN, send, redirectUri: CIMD_REDIRECT });
		const response = await cimd.request(cimd.authorizeUrl(clientId, { verifier: "x".repeat(43), challenge: "y".repeat(43) }));
		expect(response.status).toBe(400);
		expect(response.headers.get("Location")).toBeNull();
		expect(response.headers.get("Content-Type")).toContain("text/html");
		const text = visibleText(await response.text());
		expect(text).toMatch(/could not be verified|cannot be used/);
	});

	// Regression: the library redirects a request it finds invalid (here: no PKCE) to the client's
	// redirect URI before this server's own rule was asked, so a metadata document listing an OS
	// handler scheme got an automatic 302 to it, with no page shown.
	it.each([["search-ms:query=x&crumb=location:%5C%5Cevil%5Cs"], ["ms-msdt:/id PCWDiagnostic"], ["https://cimd-evil.example.net/land"]])(
		"a request the library refuses never redirects to a redirect URI this server would not use, nor to any https one (%s)",
		async (redirectUri) => {
			const clientId = "https://cimd-redirect.example.net/client.json";
			serveDocuments({ [clientId]: () => Response.json(metadataDocument(clientId, { redirect_uris: [redirectUri] })) });
			const cimd = new OAuthFlow({ origin: ORIGIN, send, redirectUri });
			const url = cimd.authorizeUrl(clientId, { verifier: "x".repeat(43), challenge: "y".repeat(43) });
			url.searchParams.delete("code_challenge");
			url.searchParams.delete("code_challenge_method");
			const response = await cimd.request(url);
			expect(response.status).toBe(400);
			expect(response.headers.get("Location")).toBeNull();
		},
	);

	it("a request the library refuses still redirects its error to a loopback redirect URI", async () => {
		const clientId = "https://cimd-loopback.example.net/client.json";
		serveDocuments({ [clientId]: () => Response.json(metadataDocument(clientId)) });
		const cimd = new OAuthFlow({ origin: ORIGIN, send, redirectUri: CIMD_REDIRECT });
		const url = cimd.authorizeUrl(clientId, { verifier: "x".repeat(43), challenge: "y".repeat(43) }, { response_type: "token" });
		const response = await cimd.request(url);
		expect(response.status).toBe(302);
		const location = new URL(response.headers.get("Location") ?? "");
		expect(`${location.origin}${location.pathname}`).toBe(CIMD_REDIRECT);
		expect(location.searchParams.get("error")).toBe("unsupported_response_type");
	});

	it("a document that drops its redirect URI during sign-in ends on an error page at /callback, never a 500 (regression)", async () => {
		const clientId = "https://cimd-changes.example.net/client.json";
		let redirectUris = [CIMD_REDIRECT];
		serveDocuments({
			[clientId]: () =>
				Response.json(metadataDocument(clientId, { redirect_uris: redirectUris }), { headers: { "Cache-Control": "no-store" } }),
		});
		const cimd = new OAuthFlow({ origin: ORIGIN, send, redirectUri: CIMD_REDIRECT });
		const step = await cimd.openConsent(clientId);
		const approved = await cimd.submitConsent(step, "approve");
		redirectUris = ["http://127.0.0.1:1/elsewhere"];
		const grantsBefore = await countKeys("grant:");
		const callback = await signInAtGithub(approved.headers.get("Location") ?? "", "octocat");
		const finished = await cimd.finishCallback(callback, step.jar);
		expect(finished.status).toBe(400);
		expect(finished.headers.get("Location")).toBeNull();
		expect(visibleText(await finished.text())).toContain("no longer listed");
		expect(await countKeys("grant:")).toBe(grantsBefore);
	});

	it("a document whose only redirect URI uses a refused scheme cannot be used, with an error page", async () => {
		const clientId = "https://cimd-about.example.net/client.json";
		serveDocuments({ [clientId]: () => Response.json(metadataDocument(clientId, { redirect_uris: ["about:blank"] })) });
		const cimd = new OAuthFlow({ origin: ORIGIN, send, redirectUri: "about:blank" });
		const response = await cimd.request(cimd.authorizeUrl(clientId, { verifier: "x".repeat(43), challenge: "y".repeat(43) }));
		expect(response.status).toBe(400);
		expect(response.headers.get("Location")).toBeNull();
	});
});
