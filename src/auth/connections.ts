/**
 * /connections: the signed-in user's connected MCP clients, each revocable, and their audit trail.
 *
 * - Sign-in goes through the identity provider like an MCP sign-in, with the least it offers (the
 *   base scope), and comes back to the same /callback (app.ts hands it here by its state prefix).
 *   The provider's token is used once, to learn who signed in, and never stored.
 * - Only the session user's own grants are ever listed or revoked: a grant id is looked up among
 *   that user's grants, never trusted from the form.
 * - Every POST needs the session, the session's form token, and a same-origin request (hono's
 *   csrf(): Origin or Sec-Fetch-Site); the session cookie is SameSite=Lax; the pages cannot be framed.
 */
import type { GrantSummary, OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import { type Context, Hono } from "hono";
import { csrf } from "hono/csrf";
import { readConfig } from "../config";
import { BASE_SCOPE } from "../scopes";
import { userStore } from "../state/stubs";
import { identityProvider } from "../upstream";
import { codeChallengeS256, createCodeVerifier } from "../upstream/pkce";
import {
	beginBrowserSignIn,
	endBrowserSession,
	finishBrowserSignIn,
	readBrowserSession,
	startBrowserSession,
	validFormToken,
} from "./browser-session";
import { type AuditRow, type ConnectedApp, renderConnectionsPage, renderSignedOutPage } from "./connections-page";
import { forgetAllCookies, forgetClient } from "./consent-memory";
import { displayClientName } from "./consent-page";
import { asciiHostname, cleanDisplayText } from "./display-text";
import { AppError } from "./errors";
import { endGrant } from "./grants";
import { setPageSecurityHeaders } from "./layout";
import { checkRedirectUri } from "./redirect-uris";

type ConnectionsEnv = { Bindings: Env & { OAUTH_PROVIDER: OAuthHelpers } };

/** At most this many grants are listed (a user has one per connected client). */
const MAX_GRANTS = 200;
/** Audit entries shown. */
const AUDIT_SHOWN = 50;

export const connections = new Hono<ConnectionsEnv>();

/** The identity provider's sign-in origin, for form-action: a form that posts here may be redirected there. */
export function signInOrigin(env: Env, requestUrl: string): string {
	const url = identityProvider(env).authorizeUrl({ redirectUri: callbackUrl(requestUrl), state: "-", codeChallenge: "-", scopes: [] });
	return new URL(url).origin;
}

function callbackUrl(requestUrl: string): string {
	return new URL("/callback", requestUrl).toString();
}

/** The OAuth library's helpers, which it hands the default handler for this request's origin. */
function helpers(c: Context<ConnectionsEnv>): OAuthHelpers {
	return c.env.OAUTH_PROVIDER;
}

connections.get("/", async (c) => {
	const config = readConfig(c.env);
	const provider = identityProvider(c.env);
	c.header("Cache-Control", "no-store");
	const session = await readBrowserSession(c, config.sessionSecret);
	if (!session) {
		await setPageSecurityHeaders(c, { formAction: ["'self'", signInOrigin(c.env, c.req.url)] });
		return c.html(renderSignedOutPage(provider.wording));
	}
	const oauth = helpers(c);
	const grants = await userGrants(oauth, session.uid);
	const audit = await userStore(c.env, config.jurisdiction, session.uid)
		.auditList(AUDIT_SHOWN)
		.catch(() => []);
	const names = new Map<string, string>();
	const apps: ConnectedApp[] = [];
	for (const grant of grants.sort((a, b) => b.createdAt - a.createdAt)) {
		const client = await oauth.lookupClient(grant.clientId).catch(() => null);
		const name = displayClientName(client?.clientName ?? grant.clientId);
		names.set(grant.clientId, name);
		const redirect = grant.redirectUri ? checkRedirectUri(grant.redirectUri) : null;
		apps.push({
			grantId: grant.id,
			name,
			verifiedDomain: isMetadataDocumentUrl(grant.clientId) ? asciiHostname(new URL(grant.clientId).hostname) : null,
			scopes: grant.scope,
			grantedAt: grant.createdAt * 1000,
			lastUsedAt: audit.find((entry) => entry.clientId === grant.clientId)?.at ?? null,
			redirectTarget: redirect?.ok ? (redirect.kind === "private-use" ? redirect.url.protocol : asciiHostname(redirect.url.host)) : null,
		});
	}
	const rows: AuditRow[] = audit.map((entry) => ({
		at: entry.at,
		app:
			names.get(entry.clientId) ??
			(isMetadataDocumentUrl(entry.clientId) ? asciiHostname(new URL(entry.clientId).hostname) : "A revoked app"),
		tool: entry.tool,
		target: cleanDisplayText(entry.target, 120),
		outcome: entry.outcome,
	}));
	await setPageSecurityHeaders(c, { formAction: ["'self'"] });
	return c.html(renderConnectionsPage({ login: session.login, csrf: session.csrf, apps, audit: rows, provider: provider.wording }));
});

// Every form on these pages: same origin only (Origin / Sec-Fetch-Site), before anything is read.
connections.use("/*", csrf());

connections.post("/sign-in", async (c) => {
	const config = readConfig(c.env);
	const verifier = createCodeVerifier();
	const state = await beginBrowserSignIn(c, config.sessionSecret, verifier);
	const location = identityProvider(c.env).authorizeUrl({
		redirectUri: callbackUrl(c.req.url),
		state,
		codeChallenge: await codeChallengeS256(verifier),
		scopes: [BASE_SCOPE],
	});
	c.header("Cache-Control", "no-store");
	return c.redirect(location, 302);
});

connections.post("/revoke", async (c) => {
	const { session, form } = await signedInForm(c);
	const grantId = form.get("grant");
	const grant =
		typeof grantId === "string" && grantId !== ""
			? (await userGrants(helpers(c), session.uid)).find((candidate) => candidate.id === grantId)
			: undefined;
	if (!grant) {
		// Another user's grant, a revoked one, or nonsense: the same answer, and nothing done.
		throw new AppError(
			404,
			"That app is not connected to your account (anymore).",
			"revoke of a grant the session user does not hold",
			"Not found",
			"connections",
		);
	}
	await endGrant(c.env, new URL(c.req.url).origin, { userId: session.uid, grantId: grant.id });
	await forgetClient(c.env.OAUTH_KV, session.uid, grant.clientId);
	return c.redirect("/connections", 303);
});

connections.post("/forget", async (c) => {
	await signedInForm(c);
	for (const line of forgetAllCookies()) c.header("Set-Cookie", line, { append: true });
	return c.redirect("/connections", 303);
});

connections.post("/sign-out", async (c) => {
	await signedInForm(c);
	endBrowserSession(c);
	return c.redirect("/connections", 303);
});

/** A POST from the signed-in page: the session and its form token, or an error page. */
async function signedInForm(c: Context<ConnectionsEnv>) {
	const config = readConfig(c.env);
	const session = await readBrowserSession(c, config.sessionSecret);
	if (!session) {
		throw new AppError(
			401,
			"Your session on this page ended. Sign in again to continue.",
			"connections form without a session",
			"Signed out",
			"connections",
		);
	}
	const form = await c.req.formData().catch(() => null);
	if (!form || !validFormToken(session, form.get("csrf"))) {
		throw new AppError(
			403,
			"This form is out of date. Open Connected apps again and retry.",
			"connections form with a bad token",
			"Request refused",
			"connections",
		);
	}
	return { session, form };
}

/**
 * GitHub came back to /callback for a connections sign-in: start the page's session as the user
 * who signed in, or show why not.
 */
export async function finishConnectionsSignIn(c: Context<ConnectionsEnv>, state: string): Promise<Response> {
	const config = readConfig(c.env);
	const verifier = await finishBrowserSignIn(c, config.sessionSecret, state);
	if (!verifier) {
		throw new AppError(
			400,
			"This sign-in was not started in this browser, or it expired. Sign in again from Connected apps.",
			"connections callback without a matching transaction",
			"This sign-in link cannot be used",
			"connections",
		);
	}
	const params = new URL(c.req.url).searchParams;
	const code = params.get("code");
	if (params.has("error") || !code) return c.redirect("/connections", 303);
	const provider = identityProvider(c.env);
	const tokens = await provider.exchangeCode({ code, redirectUri: callbackUrl(c.req.url), codeVerifier: verifier });
	const user = await provider.fetchUser(tokens);
	await startBrowserSession(c, config.sessionSecret, user);
	c.header("Cache-Control", "no-store");
	return c.redirect("/connections", 303);
}

async function userGrants(oauth: OAuthHelpers, userId: string): Promise<GrantSummary[]> {
	const grants: GrantSummary[] = [];
	let cursor: string | undefined;
	do {
		const page = await oauth.listUserGrants(userId, { limit: 100, ...(cursor ? { cursor } : {}) });
		grants.push(...page.items);
		cursor = page.cursor;
	} while (cursor && grants.length < MAX_GRANTS);
	return grants;
}

/** The library's shape test for a Client ID Metadata Document client id (https with a path). */
function isMetadataDocumentUrl(clientId: string): boolean {
	if (!URL.canParse(clientId)) return false;
	const url = new URL(clientId);
	return url.protocol === "https:" && url.pathname !== "/" && url.pathname !== "";
}
