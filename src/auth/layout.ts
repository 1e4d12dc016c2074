/**
 * The HTML shell shared by every page this server renders (home, consent, connections, errors):
 * one inline style element and nothing else (no scripts, no external assets), readable at phone
 * width. Colours meet WCAG 2.2 AA contrast in light and dark mode, and every control shows a
 * visible keyboard focus ring.
 *
 * Every page is sent with the same strict headers (pageSecurityHeaders): a Content-Security-Policy
 * that allows only that style element (by its SHA-256 hash), forms posted only where the page's own
 * redirect chain must go, no framing, no referrer, no MIME sniffing.
 */
import type { Context } from "hono";
import { html, raw } from "hono/html";
import { encodeBase64 } from "hono/utils/encode";
import type { HtmlEscapedString } from "hono/utils/html";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLES = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --card: #f6f8fa; --border: #d1d9e0; --accent: #1f883d; --focus: #0969da; --warn-bg: #fff8c5; --code-bg: #ffffff; }
@media (prefers-color-scheme: dark) { :root { --fg: #f0f6fc; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --border: #3d444d; --accent: #238636; --focus: #4493f8; --warn-bg: #3a2e00; --code-bg: #0d1117; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 36rem; margin: 2rem auto; padding: 0 1rem; }
main.wide { max-width: 48rem; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 1.5rem; }
.card + .card { margin-top: 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; line-height: 1.3; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 0 0 0.75rem; }
p, ul, dl { margin: 0 0 1rem; }
p:last-child, ul:last-child, dl:last-child, dd:last-child { margin-bottom: 0; }
a { color: var(--focus); }
.muted { color: var(--muted); font-size: 0.9rem; }
.warning { background: var(--warn-bg); border-radius: 8px; padding: 0.75rem 1rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
pre { background: var(--code-bg); border: 1px solid var(--border); border-radius: 8px; padding: 0.75rem 1rem; margin: 0 0 1rem; white-space: pre-wrap; overflow-wrap: anywhere; tab-size: 2; }
dt { font-weight: 600; }
dd { margin: 0 0 0.75rem; }
fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
legend { padding: 0; margin-bottom: 0.5rem; }
ul.scopes { list-style: none; padding: 0; }
ul.scopes li { margin: 0.5rem 0; }
ul.scopes label, .option label { display: flex; gap: 0.5rem; align-items: flex-start; }
.option { margin: 1rem 0 0; }
.verified { border-left: 4px solid var(--accent); padding-left: 0.75rem; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1rem; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.4rem 0.5rem 0.4rem 0; border-bottom: 1px solid var(--border); vertical-align: top; overflow-wrap: anywhere; }
.table-scroll { overflow-x: auto; }
ul.apps { list-style: none; padding: 0; }
ul.apps > li { border-top: 1px solid var(--border); padding: 1rem 0; }
ul.apps > li:first-child { border-top: 0; padding-top: 0; }
ul.apps h3 { font-size: 1.05rem; margin: 0 0 0.25rem; overflow-wrap: anywhere; }
ul.apps form { margin: 0.5rem 0 0; }
form.inline { display: inline; }
input[type="checkbox"] { width: 1.1rem; height: 1.1rem; margin: 0.2rem 0 0; flex: none; accent-color: var(--accent); }
.actions { display: flex; gap: 0.75rem; flex-wrap: wrap; margin: 1.5rem 0 1rem; }
button { font: inherit; font-weight: 600; padding: 0.6rem 1.2rem; border-radius: 8px; border: 1px solid var(--border); cursor: pointer; min-height: 44px; }
button.primary { background: var(--accent); color: #ffffff; border-color: transparent; }
button.secondary { background: var(--bg); color: var(--fg); }
button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
@media (max-width: 30rem) { main { margin: 1rem auto; } .card { padding: 1.25rem 1rem; } }
`;

/** CSP source for the style element: its SHA-256, computed once per isolate. */
let styleSource: Promise<string> | undefined;
function styleHashSource(): Promise<string> {
	styleSource ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(STYLES)).then((digest) => `'sha256-${encodeBase64(digest)}'`);
	return styleSource;
}

export interface PagePolicy {
	/**
	 * Where the page's forms may post, and every place the browser is redirected to after a post:
	 * browsers check `form-action` on each redirect of a form submission too. Checked in Chromium:
	 * with `form-action 'self'` alone, the consent page's Allow (302 to GitHub) and Deny (302 to the
	 * client's redirect URI) both stop at the consent page. CSP sources: "'self'", an origin, or a
	 * scheme ("cursor:"). Empty (the default) for a page without forms: `form-action 'none'`.
	 */
	formAction?: readonly string[];
}

/** The Content-Security-Policy of a page: nothing but its own style element and its own forms. */
export async function contentSecurityPolicy(policy: PagePolicy = {}): Promise<string> {
	const formAction = policy.formAction && policy.formAction.length > 0 ? [...new Set(policy.formAction)].join(" ") : "'none'";
	return [
		"default-src 'none'",
		`style-src ${await styleHashSource()}`,
		"base-uri 'none'",
		`form-action ${formAction}`,
		"frame-ancestors 'none'",
	].join("; ");
}

/**
 * The headers every page gets: the CSP above, no framing (X-Frame-Options for browsers without
 * frame-ancestors), no MIME sniffing, and no Referer (a page's URL can carry a client's state or
 * a sign-in handle; nothing on these pages links out with one, but the policy makes sure).
 */
export async function pageSecurityHeaders(policy: PagePolicy = {}): Promise<Record<string, string>> {
	return {
		"Content-Security-Policy": await contentSecurityPolicy(policy),
		"X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "no-referrer",
	};
}

/** Sets the page headers on a Hono context (for pages answered with `c.html`). */
export async function setPageSecurityHeaders(c: Context, policy: PagePolicy = {}): Promise<void> {
	for (const [name, value] of Object.entries(await pageSecurityHeaders(policy))) c.header(name, value);
}

/**
 * Adds the page headers to headers a library made for a page (the consent page's, which carry its
 * binding cookie and the library's own `frame-ancestors` CSP). Directives of the existing policy
 * that ours does not set are kept; ours win where both set one, so nothing the library forbids is
 * allowed again.
 */
export async function withPageSecurityHeaders(headers: Headers, policy: PagePolicy = {}): Promise<Headers> {
	const ours = await pageSecurityHeaders(policy);
	const existing = headers.get("Content-Security-Policy");
	for (const [name, value] of Object.entries(ours)) headers.set(name, value);
	if (existing) headers.set("Content-Security-Policy", mergePolicies(existing, ours["Content-Security-Policy"] ?? ""));
	return headers;
}

function mergePolicies(existing: string, ours: string): string {
	const directives = new Map<string, string>();
	for (const policy of [existing, ours]) {
		for (const part of policy.split(";")) {
			const directive = part.trim();
			if (!directive) continue;
			const name = directive.split(/\s+/, 1)[0]?.toLowerCase() ?? "";
			if (name === "frame-ancestors" && directives.get(name) === "frame-ancestors 'none'") continue;
			directives.set(name, directive);
		}
	}
	return [...directives.values()].join("; ");
}

export function renderPage(title: string, body: Html, options: { wide?: boolean } = {}): Html {
	return html`<!doctype html>
<html lang="en">
	<head>
		<meta charset="utf-8" />
		<meta name="viewport" content="width=device-width, initial-scale=1" />
		<meta name="referrer" content="no-referrer" />
		<title>${title}</title>
		<style>${raw(STYLES)}</style>
	</head>
	<body>
		<main${options.wide ? raw(' class="wide"') : ""}>${body}</main>
	</body>
</html>`;
}
