/**
 * The connections page's own sign-in: a browser session that only says "this browser signed in
 * with the identity provider as user U, less than 15 minutes ago". No MCP client is involved, so
 * the OAuth library's consent and upstream helpers (which carry an MCP authorization request) do
 * not apply; the same guarantees are built from hono's signed cookies instead (HMAC-SHA-256 with a
 * key derived for this purpose only, keys.ts "browser-session/v1"), never hand-rolled crypto:
 *
 * - the sign-in transaction (state and PKCE verifier) lives in a signed, 10-minute `__Host-` cookie,
 *   so GitHub's answer is accepted only in the browser that started it, once (the cookie is cleared);
 * - the session is a signed `__Host-` cookie holding the user id, an expiry inside the signed value
 *   (the cookie's Max-Age is only a hint to the browser) and a random token for the page's forms.
 *
 * Cookies: HttpOnly; Secure; Path=/; SameSite=Lax. `__Host-` (RFC 6265bis §4.1.3.2) pins them to
 * this origin. Lax rather than Strict: the session is set at /callback, the end of a redirect
 * chain that started at GitHub, and a Strict cookie would not be sent on the redirect to
 * /connections that follows; Lax still keeps it off every cross-site POST. Browsers accept Secure
 * cookies from http://localhost (a secure context), so this works under `wrangler dev` too.
 *
 * The state sent to GitHub starts with CONNECTIONS_STATE_PREFIX so /callback can tell this
 * sign-in from an MCP one; the library's states are base64url and never contain a dot.
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { z } from "zod";
import { base64UrlEncode } from "../encoding";
import { derivedSecret } from "../keys";

export const CONNECTIONS_STATE_PREFIX = "connections.";
/** How long a connections page session lasts. */
export const SESSION_SECONDS = 15 * 60;
const SIGN_IN_SECONDS = 10 * 60;

/** Cookie names without the `__Host-` prefix hono adds (prefix: "host"). */
const SIGN_IN_COOKIE = "mcp-connections-sign-in";
const SESSION_COOKIE = "mcp-connections-session";
export const SESSION_COOKIE_NAME = `__Host-${SESSION_COOKIE}`;

const COOKIE_OPTIONS = { prefix: "host", path: "/", secure: true, httpOnly: true, sameSite: "Lax" } as const;

const SignInSchema = z.object({ state: z.string().min(20), verifier: z.string().min(43), exp: z.number() });
const SessionSchema = z.object({ uid: z.string().min(1), login: z.string().min(1), csrf: z.string().min(20), exp: z.number() });
export type BrowserSession = z.infer<typeof SessionSchema>;

function secret(sessionSecret: string): Promise<string> {
	return derivedSecret(sessionSecret, "browser-session/v1");
}

function randomToken(): string {
	return base64UrlEncode(crypto.getRandomValues(new Uint8Array(32)));
}

async function readSigned<T>(c: Context, sessionSecret: string, name: string, schema: z.ZodType<T>): Promise<T | null> {
	const value = await getSignedCookie(c, await secret(sessionSecret), name, "host");
	if (!value) return null;
	try {
		const parsed = schema.safeParse(JSON.parse(value));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** Starts a sign-in: the state for GitHub, bound to this browser with its PKCE verifier. */
export async function beginBrowserSignIn(c: Context, sessionSecret: string, verifier: string): Promise<string> {
	const state = `${CONNECTIONS_STATE_PREFIX}${randomToken()}`;
	const exp = Date.now() + SIGN_IN_SECONDS * 1000;
	await setSignedCookie(c, SIGN_IN_COOKIE, JSON.stringify({ state, verifier, exp }), await secret(sessionSecret), {
		...COOKIE_OPTIONS,
		maxAge: SIGN_IN_SECONDS,
	});
	return state;
}

/**
 * GitHub came back with `state`: the PKCE verifier when this browser started that sign-in less
 * than ten minutes ago, otherwise null. The transaction cookie is cleared either way.
 */
export async function finishBrowserSignIn(c: Context, sessionSecret: string, state: string): Promise<string | null> {
	const started = await readSigned(c, sessionSecret, SIGN_IN_COOKIE, SignInSchema);
	deleteCookie(c, SIGN_IN_COOKIE, COOKIE_OPTIONS);
	if (!started || started.exp < Date.now() || !timingSafeEqual(started.state, state)) return null;
	return started.verifier;
}

export async function startBrowserSession(c: Context, sessionSecret: string, user: { id: string; login: string }): Promise<void> {
	const session: BrowserSession = { uid: user.id, login: user.login, csrf: randomToken(), exp: Date.now() + SESSION_SECONDS * 1000 };
	await setSignedCookie(c, SESSION_COOKIE, JSON.stringify(session), await secret(sessionSecret), {
		...COOKIE_OPTIONS,
		maxAge: SESSION_SECONDS,
	});
}

/** The signed-in user of this browser, or null (no cookie, a bad signature, or expired). */
export async function readBrowserSession(c: Context, sessionSecret: string): Promise<BrowserSession | null> {
	const session = await readSigned(c, sessionSecret, SESSION_COOKIE, SessionSchema);
	return session && session.exp > Date.now() ? session : null;
}

export function endBrowserSession(c: Context): void {
	deleteCookie(c, SESSION_COOKIE, COOKIE_OPTIONS);
}

/** The session's form token, compared in constant time. */
export function validFormToken(session: BrowserSession, token: unknown): boolean {
	return typeof token === "string" && timingSafeEqual(session.csrf, token);
}

function timingSafeEqual(a: string, b: string): boolean {
	const left = new TextEncoder().encode(a);
	const right = new TextEncoder().encode(b);
	if (left.byteLength !== right.byteLength) return false;
	return crypto.subtle.timingSafeEqual(left, right);
}
