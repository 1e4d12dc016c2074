// @ts-check
/**
 * GitHub's OAuth web flow, for two clients: an OAuth App and a GitHub App.
 *
 * - GET/POST /login/oauth/authorize: the sign-in page (pick a test user) and its decision.
 * - POST /login/oauth/access_token: `authorization_code` (with PKCE, RFC 7636) for both clients;
 *   `refresh_token` for the GitHub App, which rotates the pair.
 * - GET/POST /apps/{slug}/installations/new: the GitHub App's installation page (install it on an
 *   account), where the Worker sends users whose repository the app cannot see.
 *
 * GitHub answers token-endpoint errors with HTTP 200 and an `error` field, in JSON or form
 * encoding as the Accept header asks. Docs:
 * https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps and
 * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
 */
import { createHash, randomBytes } from "node:crypto";
import { escapeHtml, renderPage, sendHtml } from "./http.mjs";

/** @typedef {{ clientId: string, redirectUri: string, scopes: string[], challenge: string | null, login: string, expiresAt: number }} CodeRecord */
/** @typedef {{ kind: "oauth" | "app", clientId: string, clientSecret: string, slug?: string }} Client */

const CODE_TTL_MS = 10 * 60 * 1000;
const TOKEN_ERRORS_DOCS = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors";

/** @param {Buffer} bytes */
const base64url = (bytes) => bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** @param {string} scope */
const splitScopes = (scope) => scope.split(/[\s,]+/).filter(Boolean);

/** @param {string} value */
function isHttpUrl(value) {
	try {
		const url = new URL(value);
		return url.protocol === "http:" || url.protocol === "https:";
	} catch {
		return false;
	}
}

/**
 * @param {import("./index.mjs").StandInState} state
 * @returns {import("./http.mjs").Route[]}
 */
export function oauthRoutes(state) {
	const { store, tokens, clients } = state;
	/** Authorization codes, each good for one exchange within ten minutes. @type {Map<string, CodeRecord>} */
	const codes = new Map();

	/** @param {string | null | undefined} clientId @returns {Client | undefined} */
	const clientOf = (clientId) => clients.find((client) => client.clientId === clientId);

	/** @param {URLSearchParams} params @returns {{ client: Client } | { status: number, message: string }} */
	function validateAuthorize(params) {
		const client = clientOf(params.get("client_id"));
		if (!client) return { status: 404, message: "No OAuth App or GitHub App with this client_id." };
		const redirectUri = params.get("redirect_uri") ?? "";
		// Real GitHub also checks redirect_uri against the app's callback URL; the stand-in
		// serves any local origin, so it accepts any http(s) URL.
		if (!isHttpUrl(redirectUri)) return { status: 400, message: "redirect_uri must be an http(s) URL." };
		const method = params.get("code_challenge_method");
		if (params.get("code_challenge") && method !== null && method !== "S256")
			return { status: 400, message: "Only the S256 code_challenge_method is supported." };
		return { client };
	}

	/** @param {Client} client @param {URLSearchParams} params */
	function describeRequest(client, params) {
		if (client.kind === "app") {
			// GitHub Apps ignore `scope`: the app's permissions and installations decide.
			const owners = store.installations();
			return `<p>A GitHub App wants to act on your behalf in the repositories of the accounts it is installed on: ${
				owners.length ? owners.map((owner) => `<code>${escapeHtml(owner)}</code>`).join(", ") : "(none)"
			}.</p>`;
		}
		const scopes = splitScopes(params.get("scope") ?? "");
		return `<p>An application wants to access your account with the scopes: ${
			scopes.length ? scopes.map((scope) => `<code>${escapeHtml(scope)}</code>`).join(", ") : "(none)"
		}.</p>`;
	}

	/** @param {import("./http.mjs").RequestContext} ctx */
	function showAuthorizePage({ res, url }) {
		const params = url.searchParams;
		const checked = validateAuthorize(params);
		if (!("client" in checked)) return sendError(res, checked);
		const hidden = ["client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"]
			.filter((name) => params.has(name))
			.map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? "")}">`)
			.join("\n");
		const users = store.users
			.map(
				(user, index) =>
					`<label><input type="radio" name="login" value="${escapeHtml(user.login)}"${index === 0 ? " checked" : ""}> ${escapeHtml(user.login)}${user.fault ? " (simulates a GitHub failure)" : ""}</label><br>`,
			)
			.join("\n");
		sendHtml(
			res,
			200,
			renderPage(
				"Authorize application",
				`<h1>Authorize application</h1>
${describeRequest(checked.client, params)}
<form method="post" action="/login/oauth/authorize">
${hidden}
<fieldset><legend>Sign in as</legend>${users}</fieldset>
<p><button type="submit" name="decision" value="authorize">Authorize</button><button type="submit" name="decision" value="cancel">Cancel</button></p>
</form>`,
			),
		);
	}

	/** @param {import("./http.mjs").RequestContext} ctx */
	function decideAuthorize({ res, body }) {
		const form = new URLSearchParams(body);
		const checked = validateAuthorize(form);
		if (!("client" in checked)) return sendError(res, checked);
		const redirect = new URL(form.get("redirect_uri") ?? "");
		const state = form.get("state");
		if (form.get("decision") !== "authorize") {
			redirect.searchParams.set("error", "access_denied");
			redirect.searchParams.set("error_description", "The user has denied your application access.");
			redirect.searchParams.set(
				"error_uri",
				"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied",
			);
		} else {
			const user = store.findUser(form.get("login") ?? undefined);
			if (!user) return sendHtml(res, 400, renderPage("Error", "<h1>Unknown user</h1>"));
			const code = randomBytes(10).toString("hex");
			codes.set(code, {
				clientId: checked.client.clientId,
				redirectUri: redirect.toString(),
				scopes: checked.client.kind === "app" ? [] : splitScopes(form.get("scope") ?? ""),
				challenge: form.get("code_challenge") || null,
				login: user.login,
				expiresAt: Date.now() + CODE_TTL_MS,
			});
			redirect.searchParams.set("code", code);
		}
		if (state !== null) redirect.searchParams.set("state", state);
		res.writeHead(302, { Location: redirect.toString() });
		res.end();
	}

	/** @param {import("./http.mjs").RequestContext} ctx */
	function accessToken({ req, res, url, body }) {
		const isJson = (req.headers["content-type"] ?? "").includes("application/json");
		/** @type {Record<string, string>} */
		let params = Object.fromEntries(url.searchParams);
		try {
			// GitHub takes the parameters in the query or the body; the body wins.
			params = { ...params, ...(isJson ? JSON.parse(body || "{}") : Object.fromEntries(new URLSearchParams(body))) };
		} catch {}
		const wantsJson = (req.headers.accept ?? "").includes("application/json");
		/** @param {Record<string, string | number>} payload */
		const reply = (payload) => {
			// GitHub answers exchange errors with HTTP 200 too.
			if (wantsJson) {
				res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
				res.end(JSON.stringify(payload));
			} else {
				res.writeHead(200, { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" });
				res.end(new URLSearchParams(Object.entries(payload).map(([key, value]) => [key, String(value)])).toString());
			}
		};
		/** @param {string} error @param {string} description @param {string} [anchor] */
		const fail = (error, description, anchor = "") =>
			reply({ error, error_description: description, error_uri: `${TOKEN_ERRORS_DOCS}${anchor}` });
		/**
		 * The token endpoint itself fails, as when GitHub is down: always for the fault user, and for
		 * a login while a test has it down (POST /_standin/token-endpoint).
		 * @param {string | undefined} login
		 */
		const endpointFails = (login) => {
			if (store.findUser(login)?.fault !== "exchange" && !store.isTokenEndpointDown(login)) return false;
			res.writeHead(502, { "Content-Type": "text/html" });
			res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
			return true;
		};

		const client = clientOf(params.client_id);
		if (!client || params.client_secret !== client.clientSecret) {
			return fail("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
		}
		const grantType = params.grant_type ?? "authorization_code";

		if (grantType === "refresh_token") {
			const refreshToken = params.refresh_token ?? "";
			// Only a GitHub App's tokens expire and refresh; an OAuth App has no refresh tokens.
			const owner = client.kind === "app" ? tokens.refreshTokenOwner(refreshToken) : undefined;
			if (endpointFails(owner)) return;
			const pair = client.kind === "app" ? tokens.rotate(refreshToken) : undefined;
			if (!pair) return fail("bad_refresh_token", "The refresh token passed is incorrect or expired.", "#bad-refresh-token");
			return reply(pair);
		}
		if (grantType !== "authorization_code") {
			return fail("unsupported_grant_type", "The grant type is not supported.", "#unsupported-grant-type");
		}

		const code = params.code ?? "";
		const record = codes.get(code);
		// A code is good once, for the client it was issued to, within its lifetime.
		if (!record || record.expiresAt < Date.now() || record.clientId !== client.clientId) {
			if (record && record.expiresAt < Date.now()) codes.delete(code);
			return fail("bad_verification_code", "The code passed is incorrect or expired.", "#bad-verification-code");
		}
		if (params.redirect_uri && params.redirect_uri !== record.redirectUri) {
			return fail("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.");
		}
		if (record.challenge) {
			const computed = base64url(
				createHash("sha256")
					.update(params.code_verifier ?? "")
					.digest(),
			);
			if (computed !== record.challenge) {
				codes.delete(code);
				return fail("bad_verification_code", "The code_verifier does not match the code_challenge (PKCE).", "#bad-verification-code");
			}
		}
		if (endpointFails(record.login)) return;
		codes.delete(code);
		if (client.kind === "app") return reply(tokens.issueAppTokens(record.login));
		const token = tokens.issueOAuthToken({ login: record.login, scopes: record.scopes });
		reply({ access_token: token, token_type: "bearer", scope: record.scopes.join(",") });
	}

	/** The GitHub App's installation page: where it is installed, and a form to install it on an account. @param {import("./http.mjs").RequestContext} ctx */
	function installationPage({ req, res, params, body }) {
		const app = clients.find((client) => client.kind === "app" && client.slug === params.slug);
		if (!app) return sendError(res, { status: 404, message: "No GitHub App with this slug." });
		let notice = "";
		if (req.method === "POST") {
			const owner = new URLSearchParams(body).get("owner") ?? "";
			if (!store.findUser(owner)) return sendError(res, { status: 400, message: "Choose an account of the stand-in." });
			store.setInstalled(owner, true);
			notice = `<p>Installed on <code>${escapeHtml(owner)}</code>.</p>`;
		}
		const owners = store.installations();
		sendHtml(
			res,
			200,
			renderPage(
				`Install ${app.slug}`,
				`<h1>Install ${escapeHtml(app.slug ?? "")}</h1>${notice}
<p>Installed on: ${owners.length ? owners.map((owner) => `<code>${escapeHtml(owner)}</code>`).join(", ") : "(no account)"}.</p>
<form method="post"><label>Install on the account <input name="owner" required></label> <button type="submit">Install</button></form>`,
			),
		);
	}

	return [
		{ method: "GET", pattern: "/login/oauth/authorize", handler: showAuthorizePage },
		{ method: "POST", pattern: "/login/oauth/authorize", handler: decideAuthorize },
		{ method: "POST", pattern: "/login/oauth/access_token", handler: accessToken },
		{ method: "GET", pattern: "/apps/{slug}/installations/new", handler: installationPage },
		{ method: "POST", pattern: "/apps/{slug}/installations/new", handler: installationPage },
	];
}

/** @param {import("node:http").ServerResponse} res @param {{ status: number, message: string }} problem */
function sendError(res, problem) {
	sendHtml(res, problem.status, renderPage("Error", `<h1>Cannot authorize</h1><p>${escapeHtml(problem.message)}</p>`));
}
