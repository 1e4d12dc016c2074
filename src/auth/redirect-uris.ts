/**
 * Which redirect URIs this server sends authorization codes to (OAuth 2.1 §2.3.1, RFC 8252 §7,
 * MCP authorization "Redirect URIs"), checked at registration (registration.ts) and again at every
 * authorization (app.ts), so a Client ID Metadata Document, which never passes registration, and
 * a client registered before a rule changed are held to the same rules:
 *
 * - `https` to any host;
 * - `http` only to a loopback host (RFC 8252 §7.3: localhost, 127.0.0.0/8, [::1]), where a native
 *   app listens; remote plain http is never accepted;
 * - a native app's private-use URI scheme (RFC 8252 §7.1): a reverse domain name the app's
 *   publisher controls (`com.example.app:/oauth`), or one of the desktop MCP clients' well-known
 *   schemes (KNOWN_APP_SCHEMES, e.g. `cursor://anysphere.cursor-mcp/oauth/callback`). Any other
 *   scheme is refused, whatever it is: `javascript:`, `data:`, `vbscript:`, `file:`, `blob:`,
 *   `about:`, `mailto:`, and operating-system handlers a browser would hand the code to;
 * - never with a fragment (RFC 6749 §3.1.2) or userinfo.
 *
 * The OAuth library enforces most of this too (allowPrivateUseRedirectUris, src/oauth.ts); this
 * module is the narrower rule: the library would accept any non-dangerous scheme as private-use.
 */

/**
 * TEMPLATE: private-use schemes of desktop MCP clients that do not use a reverse domain name.
 * Each is a registered app's scheme; add the ones your users' clients need.
 */
export const KNOWN_APP_SCHEMES: readonly string[] = ["cursor", "vscode", "vscode-insiders", "windsurf"];

export type RedirectKind =
	/** An https URI: a web app or a hosted client. */
	| "web"
	/** http on loopback: an app on the user's computer listening on a local port. */
	| "loopback"
	/** A private-use scheme: an app on the user's computer registered for that scheme. */
	| "private-use";

export type RedirectCheck = { ok: true; kind: RedirectKind; url: URL } | { ok: false; reason: string };

/** RFC 8252 §7.3 loopback hosts (the library's rule; `*.localhost` is not one here). */
function isLoopbackRedirectHost(hostname: string): boolean {
	const host = hostname.toLowerCase();
	if (host === "localhost" || host === "[::1]" || host === "::1") return true;
	const ipv4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (!ipv4) return false;
	return ipv4.slice(1).every((octet) => Number(octet) <= 255);
}

/** A reverse domain name scheme: at least two labels, a dot between them (RFC 8252 §7.1). */
function isReverseDomainScheme(scheme: string): boolean {
	return /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/.test(scheme);
}

export const REDIRECT_RULE =
	"Redirect URIs must use https, http on a loopback host (localhost, 127.0.0.1, [::1]), or an app's own URI scheme named after a domain it controls (com.example.app:/callback); no fragment and no user name or password.";

export function checkRedirectUri(value: string): RedirectCheck {
	// URL parsing strips spaces, tabs and newlines; refuse them instead of guessing what was meant.
	if (
		[...value].some((character) => character.charCodeAt(0) <= 0x20 || (character.charCodeAt(0) >= 0x7f && character.charCodeAt(0) <= 0x9f))
	)
		return { ok: false, reason: "contains spaces or control characters" };
	if (!URL.canParse(value)) return { ok: false, reason: "is not an absolute URI" };
	const url = new URL(value);
	if (value.includes("#")) return { ok: false, reason: "has a fragment" };
	if (url.username !== "" || url.password !== "") return { ok: false, reason: "has a user name or password" };
	const scheme = url.protocol.slice(0, -1);
	if (scheme === "https") return { ok: true, kind: "web", url };
	if (scheme === "http") {
		return isLoopbackRedirectHost(url.hostname)
			? { ok: true, kind: "loopback", url }
			: { ok: false, reason: "uses plain http to a host that is not loopback" };
	}
	if (isReverseDomainScheme(scheme) || KNOWN_APP_SCHEMES.includes(scheme)) return { ok: true, kind: "private-use", url };
	return { ok: false, reason: `uses the scheme "${scheme.slice(0, 40)}:", which is not an app's own scheme` };
}

/**
 * The CSP source a browser's redirect to this URI must match (a consent page's form-action): the
 * origin of an http(s) URI, the scheme of a private-use one.
 */
export function redirectCspSource(check: Extract<RedirectCheck, { ok: true }>): string {
	return check.kind === "private-use" ? check.url.protocol : check.url.origin;
}
