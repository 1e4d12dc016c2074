/**
 * The HTML shell shared by the consent and error pages: inline styles only (no external assets,
 * so the pages work offline and need no CSP exceptions), readable at phone width, no JavaScript.
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLES = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --card: #f6f8fa; --border: #d1d9e0; --accent: #1f883d; --danger: #cf222e; --warn-bg: #fff8c5; }
@media (prefers-color-scheme: dark) { :root { --fg: #f0f6fc; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --border: #3d444d; --accent: #238636; --danger: #da3633; --warn-bg: #3a2e00; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 36rem; margin: 2rem auto; padding: 0 1rem; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; line-height: 1.3; }
p, ul { margin: 0 0 1rem; }
.muted { color: var(--muted); font-size: 0.9rem; }
.warning { background: var(--warn-bg); border-radius: 8px; padding: 0.75rem 1rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; word-break: break-all; }
fieldset { border: 0; padding: 0; margin: 0; }
legend { padding: 0; margin-bottom: 0.5rem; }
ul.scopes { list-style: none; padding: 0; }
ul.scopes li { margin: 0.5rem 0; }
input[type="checkbox"] { width: 1.1rem; height: 1.1rem; vertical-align: -0.15rem; margin-right: 0.4rem; }
.actions { display: flex; gap: 0.75rem; flex-wrap: wrap; margin-top: 1.5rem; }
button { font: inherit; font-weight: 600; padding: 0.6rem 1.2rem; border-radius: 8px; border: 1px solid var(--border); cursor: pointer; min-height: 44px; }
button.primary { background: var(--accent); color: #ffffff; border-color: transparent; }
button.secondary { background: var(--bg); color: var(--fg); }
button:focus-visible, a:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
`;

export function renderPage(title: string, body: Html): Html {
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
		<main>${body}</main>
	</body>
</html>`;
}
