// @ts-check
/**
 * The stand-in's one routing style and the few HTTP helpers every concern shares. A route is
 * `{ method, pattern, handler }`; the handler receives a context object for its own request, so
 * no module keeps a mutable "current request".
 *
 * Path parameters are typed by name, so `/repos/{owner}/{repo}/…` routes only for segments GitHub
 * would accept as an owner and a repository name. A request whose segment is anything else (an
 * encoded slash, a dot segment that survived parsing) falls through to the API's 404, as on GitHub.
 */

/**
 * @typedef {{
 *   req: import("node:http").IncomingMessage,
 *   res: import("node:http").ServerResponse,
 *   url: URL,
 *   params: Record<string, string>,
 *   body: string,
 * }} RequestContext
 */
/** @typedef {(ctx: RequestContext) => void | Promise<void>} Handler */
/** @typedef {{ method: string, pattern: string, handler: Handler }} Route */

/**
 * What each named parameter may match. GitHub logins: letters, digits and single hyphens, at most
 * 39 characters, not starting with a hyphen. Repository names: letters, digits, `.`, `-`, `_`,
 * at most 100 characters, never `.` or `..`.
 * @type {Record<string, string>}
 */
const PARAMETER_SYNTAX = {
	owner: "[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})",
	repo: "(?!\\.{1,2}(?:/|$))[A-Za-z0-9._-]{1,100}",
	number: "[1-9][0-9]{0,9}",
};

/** @param {string} pattern */
function compilePattern(pattern) {
	const source = pattern.replace(/[.+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)(\*?)\}/g, (_whole, name, rest) => {
		if (rest) return `(?<${name}>.*)`;
		return `(?<${name}>${PARAMETER_SYNTAX[name] ?? "[^/]+"})`;
	});
	return new RegExp(`^${source}$`);
}

/**
 * A router over a table of routes: the first route whose method (or `*`) and pattern match wins.
 * @param {Route[]} routes
 */
export function createRouter(routes) {
	const compiled = routes.map((route) => ({ ...route, regex: compilePattern(route.pattern) }));
	return {
		/** @param {string} method @param {string} path */
		match(method, path) {
			for (const route of compiled) {
				if (route.method !== "*" && route.method !== method) continue;
				const match = route.regex.exec(path);
				if (match) return { handler: route.handler, params: { ...match.groups } };
			}
			return undefined;
		},
	};
}

/**
 * The request target parsed the way GitHub's front end sees it: WHATWG URL parsing, which
 * resolves `.` and `..` segments (also written `%2e`) and treats `\` as `/`. Parsing it relative
 * to our own origin keeps a target like `//host/path` a path, never a different host.
 * @param {string} target @param {string} origin
 */
export function parseRequestTarget(target, origin) {
	try {
		return new URL(target.startsWith("/") ? `${origin}${target}` : target);
	} catch {
		return undefined;
	}
}

/** @param {import("node:http").IncomingMessage} req @returns {Promise<string>} */
export function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on("data", (chunk) => chunks.push(chunk));
		req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
		req.on("error", reject);
	});
}

/** A JSON object from a request body, or null. @param {string} body @returns {Record<string, unknown> | null} */
export function parseJson(body) {
	try {
		const value = JSON.parse(body || "{}");
		return typeof value === "object" && value !== null && !Array.isArray(value) ? value : null;
	} catch {
		return null;
	}
}

/** @param {import("node:http").ServerResponse} res @param {number} status @param {unknown} [body] */
export function sendJson(res, status, body) {
	if (body === undefined) {
		res.writeHead(status);
		res.end();
		return;
	}
	res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
	res.end(JSON.stringify(body));
}

/** @param {import("node:http").ServerResponse} res @param {number} status @param {string} body */
export function sendHtml(res, status, body) {
	res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
	res.end(body);
}

/** @param {string} value */
export const escapeHtml = (value) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * Every HTML page carries the banner: nobody should mistake the stand-in for GitHub.
 * @param {string} title @param {string} body
 */
export function renderPage(title, body) {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}.banner{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:.75rem 1rem}fieldset{border:1px solid #d1d9e0;border-radius:8px}button{font:inherit;padding:.5rem 1rem;margin-right:.5rem;min-height:44px}</style></head>
<body><p class="banner" role="note"><strong>GitHub development stand-in — this is not GitHub.</strong> It runs on your machine because no GitHub OAuth App is configured; its users are test accounts.</p>${body}</body></html>`;
}

/** GitHub's timestamps: ISO 8601 without milliseconds. @param {Date | number} [when] */
export const githubTime = (when = Date.now()) => new Date(when).toISOString().replace(/\.\d+Z$/, "Z");
