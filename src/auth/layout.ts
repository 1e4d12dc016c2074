/**
 * The HTML shell shared by the home, consent and error pages: inline styles only (no external
 * assets, so the pages work offline and need no CSP exceptions), readable at phone width, no
 * JavaScript. Colours meet WCAG 2.2 AA contrast in light and dark mode, and every control shows a
 * visible keyboard focus ring.
 */
import type { Context } from "hono";
import { html, raw } from "hono/html";
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
ul.scopes label { display: flex; gap: 0.5rem; align-items: flex-start; }
input[type="checkbox"] { width: 1.1rem; height: 1.1rem; margin: 0.2rem 0 0; flex: none; accent-color: var(--accent); }
.actions { display: flex; gap: 0.75rem; flex-wrap: wrap; margin: 1.5rem 0 1rem; }
button { font: inherit; font-weight: 600; padding: 0.6rem 1.2rem; border-radius: 8px; border: 1px solid var(--border); cursor: pointer; min-height: 44px; }
button.primary { background: var(--accent); color: #ffffff; border-color: transparent; }
button.secondary { background: var(--bg); color: var(--fg); }
button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
@media (max-width: 30rem) { main { margin: 1rem auto; } .card { padding: 1.25rem 1rem; } }
`;

/** Headers for every page this server renders itself: never framed, no scripts, nothing external. */
export function setPageSecurityHeaders(c: Context): void {
	c.header("X-Frame-Options", "DENY");
	c.header("X-Content-Type-Options", "nosniff");
	c.header(
		"Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
	);
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
