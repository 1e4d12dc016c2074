/**
 * A minimal OpenID Connect-like identity provider for the seam tests: a second provider, as unlike
 * GitHub as a typical OIDC provider is. Node built-ins only, in memory, loopback only.
 *
 * - GET /authorize: a sign-in page (a form naming the user); POST /authorize: a code, back to
 *   redirect_uri with `state` (PKCE S256 required, redirect_uri checked at /token).
 * - POST /token: `authorization_code` and `refresh_token` (client_secret_post). Access tokens last
 *   ACCESS_TOKEN_TTL_SECONDS; refresh tokens are not rotated: a refresh returns no new one, as
 *   Google's and many other providers' do (RFC 6749 §6: the client keeps the one it has).
 *   Errors are RFC 6749 §5.2 JSON with HTTP 400 (`invalid_grant`, `invalid_client`).
 * - GET /userinfo: the user's claims (`sub`, `preferred_username`, `name`, `email`) for a Bearer
 *   access token; 401 for an unknown or expired one.
 * - GET /_oidc/token-requests: every /token request's grant type and outcome, for tests to count.
 *
 * Subjects are URNs (`urn:example:user:<name>`): they contain ":", which an OAuth `userId` here
 * cannot, so a provider module has to encode them.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export const OIDC_CLIENT = { clientId: "seam-client", clientSecret: "seam-client-secret" } as const;
export const ACCESS_TOKEN_TTL_SECONDS = 60;

export interface OidcUser {
	sub: string;
	preferred_username: string;
	name: string;
	email: string;
}

export const OIDC_USERS: readonly OidcUser[] = [
	{ sub: "urn:example:user:ada", preferred_username: "ada", name: "Ada Lovelace", email: "ada@example.test" },
	{ sub: "urn:example:user:grace", preferred_username: "grace", name: "Grace Hopper", email: "grace@example.test" },
	{ sub: "urn:example:user:katherine", preferred_username: "katherine", name: "Katherine Johnson", email: "katherine@example.test" },
];

interface CodeRecord {
	user: OidcUser;
	redirectUri: string;
	challenge: string;
	expiresAt: number;
}

export interface TokenRequestLogEntry {
	grantType: string;
	outcome: "issued" | string;
	user: string | null;
}

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString("hex")}`;

export async function startOidcStandIn(options: { port?: number } = {}) {
	const codes = new Map<string, CodeRecord>();
	const accessTokens = new Map<string, { user: OidcUser; expiresAt: number }>();
	const refreshTokens = new Map<string, OidcUser>();
	const tokenRequests: TokenRequestLogEntry[] = [];

	const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
		res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers });
		res.end(JSON.stringify(body));
	};
	const page = (res: ServerResponse, status: number, html: string) => {
		res.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
		res.end(`<!doctype html><title>Example ID (test stand-in)</title>${html}`);
	};
	const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

	function authorizePage(url: URL, res: ServerResponse) {
		const params = url.searchParams;
		if (params.get("client_id") !== OIDC_CLIENT.clientId) return page(res, 400, "<h1>Unknown client</h1>");
		if (params.get("response_type") !== "code" || params.get("code_challenge_method") !== "S256" || !params.get("code_challenge")) {
			return page(res, 400, "<h1>Bad request: response_type=code with S256 PKCE is required</h1>");
		}
		const hidden = ["client_id", "redirect_uri", "state", "code_challenge", "scope"]
			.map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? "")}">`)
			.join("");
		page(
			res,
			200,
			`<h1>Sign in to Example ID</h1><form method="post" action="/authorize">${hidden}<label>User <input name="username"></label><button type="submit">Sign in</button></form>`,
		);
	}

	function authorizeDecision(body: string, res: ServerResponse) {
		const form = new URLSearchParams(body);
		const user = OIDC_USERS.find((candidate) => candidate.preferred_username === form.get("username"));
		if (form.get("client_id") !== OIDC_CLIENT.clientId || !user) return page(res, 400, "<h1>Unknown client or user</h1>");
		const redirect = new URL(form.get("redirect_uri") ?? "");
		const code = token("code");
		codes.set(code, {
			user,
			redirectUri: redirect.toString(),
			challenge: form.get("code_challenge") ?? "",
			expiresAt: Date.now() + 60_000,
		});
		redirect.searchParams.set("code", code);
		redirect.searchParams.set("state", form.get("state") ?? "");
		res.writeHead(302, { Location: redirect.toString() });
		res.end();
	}

	function tokenEndpoint(body: string, res: ServerResponse) {
		const form = new URLSearchParams(body);
		const grantType = form.get("grant_type") ?? "";
		const fail = (error: string, user: OidcUser | null = null) => {
			tokenRequests.push({ grantType, outcome: error, user: user?.preferred_username ?? null });
			send(res, error === "invalid_client" ? 401 : 400, { error });
		};
		if (form.get("client_id") !== OIDC_CLIENT.clientId || form.get("client_secret") !== OIDC_CLIENT.clientSecret) {
			return fail("invalid_client");
		}
		const issue = (user: OidcUser, withRefreshToken: boolean) => {
			const accessToken = token("oat");
			accessTokens.set(accessToken, { user, expiresAt: Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000 });
			const body: Record<string, unknown> = {
				access_token: accessToken,
				token_type: "Bearer",
				expires_in: ACCESS_TOKEN_TTL_SECONDS,
				scope: "openid profile email offline_access",
			};
			if (withRefreshToken) {
				const refreshToken = token("ort");
				refreshTokens.set(refreshToken, user);
				body.refresh_token = refreshToken;
			}
			tokenRequests.push({ grantType, outcome: "issued", user: user.preferred_username });
			send(res, 200, body);
		};
		if (grantType === "authorization_code") {
			const code = form.get("code") ?? "";
			const record = codes.get(code);
			codes.delete(code);
			if (!record || record.expiresAt < Date.now() || record.redirectUri !== form.get("redirect_uri")) return fail("invalid_grant");
			const computed = createHash("sha256")
				.update(form.get("code_verifier") ?? "")
				.digest("base64url");
			if (computed !== record.challenge) return fail("invalid_grant", record.user);
			return issue(record.user, true);
		}
		if (grantType === "refresh_token") {
			const user = refreshTokens.get(form.get("refresh_token") ?? "");
			if (!user) return fail("invalid_grant");
			// Not rotated: no new refresh token in the response.
			return issue(user, false);
		}
		fail("unsupported_grant_type");
	}

	function userinfo(req: IncomingMessage, res: ServerResponse) {
		const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
		const record = accessTokens.get(bearer);
		if (!record || record.expiresAt <= Date.now()) {
			return send(res, 401, { error: "invalid_token" }, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
		}
		send(res, 200, record.user);
	}

	const server = createServer((req, res) => {
		let body = "";
		req.on("data", (chunk: Buffer) => {
			body += chunk.toString();
		});
		req.on("end", () => {
			const url = new URL(req.url ?? "/", "http://127.0.0.1");
			const route = `${req.method} ${url.pathname}`;
			if (route === "GET /authorize") return authorizePage(url, res);
			if (route === "POST /authorize") return authorizeDecision(body, res);
			if (route === "POST /token") return tokenEndpoint(body, res);
			if (route === "GET /userinfo") return userinfo(req, res);
			if (route === "GET /_oidc/token-requests") return send(res, 200, { requests: tokenRequests });
			send(res, 404, { error: "not_found" });
		});
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
	const address = server.address();
	const issuer = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
	return {
		issuer,
		...OIDC_CLIENT,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
