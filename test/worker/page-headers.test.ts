/**
 * Every HTML page this server renders is sent with the same strict headers: a CSP that allows
 * only the page's own style element (by hash) and its own forms' targets, no framing, no MIME
 * sniffing, no referrer. One table of pages; the consent page also keeps the OAuth library's
 * binding cookie and no-store.
 */
import { describe, expect, it } from "vitest";
import { ConnectionsBrowser } from "../support/oauth-flow";
import { call, flow, standIn } from "./harness";

/** A page: its response, and its HTML when a helper has read the body already. */
type Opened = Response | { response: Response; page: string };
type PageCase = [string, () => Promise<Opened>, number, string[]];

const PAGES: PageCase[] = [
	["home", () => call("/"), 200, []],
	["not found", () => call("/no-such-page"), 404, []],
	[
		"an unusable authorization link",
		() => call("/authorize?response_type=code&client_id=nope&code_challenge=x&code_challenge_method=S256"),
		400,
		[],
	],
	["a forged return from GitHub", () => call("/callback?code=forged&state=forged"), 400, []],
	[
		"an incomplete consent form",
		() => call("/authorize", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "action=approve" }),
		400,
		[],
	],
	["consent", async () => flow.openConsent((await flow.register()).client_id), 200, ["'self'", "GITHUB", "http://127.0.0.1:33418"]],
	["connections, signed out", () => call("/connections"), 200, ["'self'", "GITHUB"]],
	[
		"connections, signed in",
		async () => {
			const browser = new ConnectionsBrowser(flow);
			await browser.signIn();
			return browser.open();
		},
		200,
		["'self'"],
	],
	["a refused connections form", () => new ConnectionsBrowser(flow).post("/connections/revoke", { grant: "x" }), 401, []],
	[
		"a cross-site connections form",
		() => new ConnectionsBrowser(flow).post("/connections/sign-out", {}, { Origin: "https://evil.example.com" }),
		403,
		[],
	],
];

function directives(policy: string): Map<string, string> {
	return new Map(
		policy
			.split(";")
			.map((part) => part.trim())
			.filter(Boolean)
			.map((part) => {
				const [name = "", ...values] = part.split(/\s+/);
				return [name, values.join(" ")] as const;
			}),
	);
}

describe("security headers on every page", () => {
	it.each(PAGES)("%s", async (_case, open, status, formAction) => {
		const opened = await open();
		const response = opened instanceof Response ? opened : opened.response;
		const page = opened instanceof Response ? await opened.text() : opened.page;
		expect(response.status).toBe(status);
		expect(response.headers.get("Content-Type")).toContain("text/html");
		expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
		expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
		expect(response.headers.get("X-Frame-Options")).toBe("DENY");

		const csp = directives(response.headers.get("Content-Security-Policy") ?? "");
		expect(csp.get("default-src")).toBe("'none'");
		expect(csp.get("base-uri")).toBe("'none'");
		expect(csp.get("frame-ancestors")).toBe("'none'");
		// The one style element, by its hash: no 'unsafe-inline', nothing external.
		const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? "";
		const hash = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(style)))));
		expect(csp.get("style-src")).toBe(`'sha256-${hash}'`);
		for (const name of ["script-src", "img-src", "connect-src", "frame-src"]) expect(csp.has(name)).toBe(false); // default-src 'none'
		const expected = formAction.map((source) => (source === "GITHUB" ? new URL(standIn().baseUrl).origin : source));
		expect((csp.get("form-action") ?? "").split(" ").sort()).toEqual((expected.length > 0 ? expected : ["'none'"]).sort());
		// No inline script, handler or style attribute the policy would have to allow.
		expect(page).not.toMatch(/<script|\son[a-z]+=|\sstyle=/i);
	});
});
