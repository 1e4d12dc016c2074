/**
 * The browser-facing routes: the consent page (GET/POST /authorize), the return from GitHub
 * (GET /callback), the connected apps page (/connections, connections.ts) and a small home page. Glue only: the OAuth provider's consent and upstream
 * helpers do the binding and storage, github.ts talks to GitHub, the pages render.
 *
 * Errors follow the library's table (docs/consent-page.md): a validated request's errors go back
 * to the client as a redirect; anything else is rendered here and never redirected.
 */
import { AuthorizationError, authorizationErrorRedirect, CimdFetchError, type OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { ConfigError, readConfig } from "../config";
import type { GrantProps } from "../props";
import { normalizeScopes } from "../scopes";
import { identityProvider } from "../upstream";
import { codeChallengeS256, createCodeVerifier } from "../upstream/pkce";
import { UpstreamError, type UpstreamWording } from "../upstream/types";
import { CONNECTIONS_STATE_PREFIX } from "./browser-session";
import { connections, finishConnectionsSignIn, signInOrigin } from "./connections";
import { clearHintCookie, hintedUser, isRemembered, rememberApproval } from "./consent-memory";
import { renderConsentPage } from "./consent-page";
import { AppError, renderErrorPage } from "./errors";
import { renderHomePage } from "./home-page";
import { setPageSecurityHeaders, withPageSecurityHeaders } from "./layout";
import { checkRedirectUri, REDIRECT_RULE, redirectCspSource } from "./redirect-uris";

type AppEnv = { Bindings: Env & { OAUTH_PROVIDER: OAuthHelpers } };

/**
 * What the Worker keeps (encrypted, server-side, in the library's upstream transaction) between
 * the redirect to GitHub and /callback: the PKCE verifier, whether the user ticked "Remember this
 * app", and, for a consent skipped because it was remembered, the user GitHub must sign in.
 */
const UpstreamData = z.object({
	verifier: z.string().min(43),
	remember: z.boolean().optional(),
	expectedUserId: z.string().min(1).optional(),
});
type UpstreamData = z.infer<typeof UpstreamData>;

export const app = new Hono<AppEnv>();

app.get("/", async (c) => {
	await setPageSecurityHeaders(c);
	return c.html(renderHomePage(new URL(c.req.url).origin));
});

app.route("/connections", connections);

app.get("/authorize", async (c) => {
	const oauth = c.env.OAUTH_PROVIDER;
	// Fail before showing consent if the deployment cannot finish a sign-in: its settings, and
	// the identity provider's (building the provider validates them).
	const config = readConfig(c.env);
	identityProvider(c.env);
	const request = await oauth.parseAuthRequest(c.req.raw);
	// The library checked the redirect URI against the client's registration (or its metadata
	// document); this server's own rule is narrower (redirect-uris.ts). Never redirect to it.
	const redirect = checkRedirectUri(request.redirectUri);
	if (!redirect.ok) {
		throw new AppError(400, `This app's redirect URI cannot be used: it ${redirect.reason}. ${REDIRECT_RULE}`, "redirect URI refused");
	}

	// Remembered consent (consent-memory.ts): skip the page, sign in at GitHub as the hinted user.
	const hinted = await hintedUser(c, config.sessionSecret);
	if (hinted && (await isRemembered(oauth, c.env.OAUTH_KV, c.req.raw, request, hinted, config.sessionSecret))) {
		const approved = { ...request, scope: normalizeScopes(request.scope) };
		return redirectToProvider(c, approved, { expectedUserId: hinted }, new Headers());
	}

	const details = await oauth.describeConsent(request); // first: a failed lookup leaves nothing in KV
	const consent = await oauth.beginConsent(request);
	consent.headers.set("Content-Type", "text/html; charset=utf-8");
	// The form posts here; approving redirects to GitHub (and on to /callback and the client when
	// GitHub answers at once), denying redirects to the client.
	await withPageSecurityHeaders(consent.headers, {
		formAction: ["'self'", signInOrigin(c.env, c.req.url), redirectCspSource(redirect)],
	});
	const page = await renderConsentPage(details, consent.handle, {
		redirectKind: redirect.kind,
		provider: identityProvider(c.env).wording,
	});
	return new Response(page, { headers: consent.headers });
});

app.post("/authorize", async (c) => {
	const oauth = c.env.OAUTH_PROVIDER;
	const form = await c.req.formData().catch(() => null);
	const handle = form?.get("handle");
	const action = form?.get("action");
	if (typeof handle !== "string" || handle === "" || (action !== "approve" && action !== "deny")) {
		throw new AppError(400, "This form was incomplete. Start again from your MCP client.", "consent form without handle or action");
	}
	if (action === "deny") {
		const denied = await oauth.denyConsent(c.req.raw, handle);
		return new Response(null, { status: 302, headers: denied.headers });
	}

	readConfig(c.env);
	// The scopes the user ticked (the base scope is always granted); the library accepts only
	// values from scopesSupported.
	const scope = normalizeScopes(form?.getAll("scope").filter((value): value is string => typeof value === "string") ?? []);
	const approved = await oauth.approveConsent(c.req.raw, handle, { scope });
	return redirectToProvider(c, approved.request, { remember: form?.get("remember") === "1" }, approved.headers);
});

/**
 * After consent (given now, or remembered): the upstream transaction, then GitHub. The PKCE
 * verifier stays server-side in the transaction (encrypted with a key only the state derives);
 * GitHub sees only its S256 challenge.
 */
async function redirectToProvider(
	c: { env: AppEnv["Bindings"]; req: { url: string } },
	request: Parameters<OAuthHelpers["beginUpstream"]>[0],
	extra: Omit<UpstreamData, "verifier">,
	headers: Headers,
): Promise<Response> {
	const verifier = createCodeVerifier();
	const { state } = await c.env.OAUTH_PROVIDER.beginUpstream(request, {
		data: { verifier, ...extra } satisfies UpstreamData,
		headers,
	});
	headers.set(
		"Location",
		identityProvider(c.env).authorizeUrl({
			redirectUri: callbackUrl(c.req.url),
			state,
			codeChallenge: await codeChallengeS256(verifier),
			// The provider asks only for what the granted MCP scopes need.
			scopes: normalizeScopes(request.scope),
		}),
	);
	return new Response(null, { status: 302, headers });
}

app.get("/callback", async (c) => {
	const state = new URL(c.req.url).searchParams.get("state") ?? "";
	if (state.startsWith(CONNECTIONS_STATE_PREFIX)) return finishConnectionsSignIn(c, state);

	const oauth = c.env.OAUTH_PROVIDER;
	const upstreamProvider = identityProvider(c.env);
	// Recovers the approved request only for the browser that started it (state + binding cookie),
	// and only once: a replayed or foreign state throws AuthorizationError.
	const upstream = await oauth.finishUpstream(c.req.raw);
	const params = new URL(c.req.url).searchParams;

	if (params.has("error")) {
		// The user declined at GitHub (or GitHub refused): tell the client, with its state and iss.
		upstream.headers.set(
			"Location",
			authorizationErrorRedirect(
				upstream.request,
				"access_denied",
				`The user did not authorize access on ${identityProvider(c.env).wording.name}.`,
			),
		);
		return new Response(null, { status: 302, headers: upstream.headers });
	}
	const code = params.get("code");
	const data = UpstreamData.safeParse(upstream.data);
	if (!code || !data.success) {
		throw new AppError(
			400,
			`${identityProvider(c.env).wording.name} did not return an authorization code. Start again from your MCP client.`,
			"callback without code",
		);
	}

	const config = readConfig(c.env);
	const tokens = await upstreamProvider.exchangeCode({ code, redirectUri: callbackUrl(c.req.url), codeVerifier: data.data.verifier });
	const user = await upstreamProvider.fetchUser(tokens);
	if (data.data.expectedUserId !== undefined && data.data.expectedUserId !== user.id) {
		// A remembered consent belongs to the user who gave it. Another account signed in at
		// GitHub: nothing is stored, this browser forgets whom it remembered, and the user starts
		// again (and sees the consent page, for the account that is signed in now).
		c.header("Set-Cookie", clearHintCookie(), { append: true });
		throw new AppError(
			400,
			`You signed in to ${upstreamProvider.wording.name} as a different account than the one that allowed this app before. Nothing was connected. Start again from your MCP client to decide for this account.`,
			"remembered consent: a different upstream user signed in",
			"A different account signed in",
		);
	}
	// Encrypted at rest by the library; the upstream tokens never leave the server.
	const props: GrantProps = { v: 2, user, upstream: tokens, signedInAt: Date.now() };
	const { redirectTo } = await oauth
		.completeAuthorization({
			request: upstream.request,
			// The provider's stable id, never the login: logins can be renamed and then claimed by someone else.
			userId: user.id,
			metadata: { login: user.login },
			scope: upstream.request.scope,
			props,
		})
		.catch((error: unknown) => {
			// The library checks the client and its redirect URI again, and throws a plain Error when
			// they changed since consent (a metadata document edited, a client deleted): nothing is
			// stored, and that is the client's doing, not a server failure.
			if (error instanceof Error && !(error instanceof AuthorizationError) && /redirect uri/i.test(error.message)) {
				throw new AppError(
					400,
					"This app changed its registration during sign-in: the address it asked to return to is no longer listed. Nothing was connected. Start again from your MCP client.",
					"client or redirect URI gone at completion",
					"This sign-in link cannot be used",
				);
			}
			throw error;
		});
	if (data.data.remember) {
		for (const line of await rememberApproval(oauth, c.env.OAUTH_KV, c.req.raw, upstream.request, user.id, config.sessionSecret)) {
			upstream.headers.append("Set-Cookie", line);
		}
	}
	upstream.headers.set("Location", redirectTo);
	return new Response(null, { status: 302, headers: upstream.headers });
});

function isTrustedErrorRedirect(target: string): boolean {
	const check = checkRedirectUri(target);
	return check.ok && check.kind !== "web";
}

app.notFound((c) => renderErrorPage(c, new AppError(404, "There is nothing at this address.", "not found", "Not found")));

app.onError((error, c) => {
	if (error instanceof AuthorizationError) {
		// The library redirects an error once it has matched the client and its redirect URI. That
		// URI is the client's own claim (dynamic registration, a metadata document anyone can
		// publish), and this happens before the user has seen anything: an automatic redirect to it
		// would make this server an open redirector (RFC 9700 §4.11.1). Only loopback and app
		// (private-use) URIs that pass this server's own rule get the error; others an error page.
		if (error.redirectTo && isTrustedErrorRedirect(error.redirectTo)) return c.redirect(error.redirectTo, 302);
		return renderErrorPage(
			c,
			new AppError(400, asSentence(error.description), `authorization error ${error.code}`, "This sign-in link cannot be used"),
		);
	}
	if (error instanceof CimdFetchError) {
		return renderErrorPage(
			c,
			new AppError(
				400,
				"This app could not be verified: its metadata document could not be fetched.",
				`CIMD fetch failed: ${error.reason}`,
			),
		);
	}
	if (error instanceof ConfigError) {
		console.error(JSON.stringify({ type: "config_error", issues: error.issues }));
		return renderErrorPage(
			c,
			new AppError(
				500,
				`This server is not configured correctly. ${error.issues.join(" ")}`,
				"invalid configuration",
				"Server configuration error",
			),
		);
	}
	if (error instanceof UpstreamError) {
		console.error(JSON.stringify({ type: "upstream_sign_in_failed", kind: error.kind, detail: error.internal }));
		return renderErrorPage(c, new AppError(502, upstreamErrorMessage(error, identityProvider(c.env).wording), error.internal));
	}
	if (error instanceof HTTPException && error.status === 403) {
		// hono's csrf(): a form posted from another site (or without Origin and Sec-Fetch-Site).
		return renderErrorPage(
			c,
			new AppError(
				403,
				"This form was not sent from this site, so it was refused.",
				"cross-site form refused",
				"Request refused",
				"connections",
			),
		);
	}
	if (error instanceof AppError) {
		console.warn(JSON.stringify({ type: "auth_error", status: error.status, detail: error.internal }));
		return renderErrorPage(c, error);
	}
	// Unknown: log the type only (a message could carry request data), show a generic page.
	console.error(
		JSON.stringify({
			type: "auth_unexpected",
			error: error instanceof Error ? error.name : typeof error,
			method: c.req.method,
			path: new URL(c.req.url).pathname,
		}),
	);
	return renderErrorPage(
		c,
		new AppError(500, "Something went wrong on this server. Try again in a moment.", "unexpected error", "Unexpected error"),
	);
});

function upstreamErrorMessage(error: UpstreamError, wording: UpstreamWording): string {
	const name = wording.name;
	switch (error.kind) {
		case "invalid_code":
		case "revoked":
			return `${name} did not accept the sign-in (the code was invalid or expired). Start again from your MCP client.`;
		case "bad_client":
			return `${wording.name} rejected this server's app credentials. The server's operator must check ${wording.credentialSettings.join(" and ")}.`;
		case "unavailable":
		case "unexpected":
			return `${name} could not be reached or answered unexpectedly. Try again in a moment.`;
	}
}

/** The library's descriptions are fragments ("…; start again"): end them as the sentence the page shows. */
function asSentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** GitHub must send the user back to the origin that served this request. */
function callbackUrl(requestUrl: string): string {
	return new URL("/callback", requestUrl).toString();
}
