/**
 * The adversarial battery: one table of attacks on the authorization server, the consent and
 * sign-in pages, client registration and the MCP endpoint. Each case asserts the exact outcome
 * (status, error code) and that nothing was issued or stored. After the table, the server must
 * still serve a normal request.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	authorizeUrl,
	CLIENT_REDIRECT_URI,
	CookieJar,
	callWorker,
	countKeys,
	createPkce,
	exchangeCode,
	issueTokenForProps,
	mintGithubToken,
	ORIGIN,
	octocatProps,
	openConsent,
	registerClient,
	signIn,
	signInAtGithub,
	submitConsent,
} from "./helpers";

const ACCEPT = "application/json, text/event-stream";

/** Everything a client can do up to the code: registration, consent, GitHub, callback. */
async function codeFor(clientId: string, pkce: Awaited<ReturnType<typeof createPkce>>) {
	const consent = await openConsent(clientId, pkce);
	const approved = await submitConsent(consent, "approve");
	const callback = await signInAtGithub(approved.headers.get("Location") ?? "", "octocat");
	const finished = await callWorker(callback, { jar: consent.jar });
	return new URL(finished.headers.get("Location") ?? "").searchParams.get("code") ?? "";
}

async function token(body: Record<string, string>) {
	const response = await callWorker("/token", {
		method: "POST",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams(body),
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function refresh(clientId: string, refreshToken: string) {
	return token({ grant_type: "refresh_token", client_id: clientId, refresh_token: refreshToken, resource: ORIGIN });
}

/** What /mcp answers to an initialize with this bearer token. */
async function mcpStatus(accessToken: string, init: { query?: string } = {}): Promise<number> {
	const response = await callWorker(`/mcp${init.query ?? ""}`, {
		method: "POST",
		body: JSON.stringify({
			jsonrpc: "2.0",
			id: 1,
			method: "initialize",
			params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "a", version: "1" } },
		}),
		headers: { ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}), "Content-Type": "application/json", Accept: ACCEPT },
	});
	await response.text();
	return response.status;
}

/** GET /authorize with these parameters; asserts it was refused on a page (no redirect, no cookie). */
async function expectAuthorizeRefusedLocally(params: Record<string, string>) {
	const url = new URL("/authorize", ORIGIN);
	url.search = new URLSearchParams(params).toString();
	const response = await callWorker(url);
	expect(response.status).toBe(400);
	expect(response.headers.get("Location")).toBeNull();
	expect(response.headers.getSetCookie()).toEqual([]);
}

/** GET /authorize; asserts an error redirect to the client with this error code and no consent cookie. */
async function expectAuthorizeErrorRedirect(params: Record<string, string>, error: string) {
	const url = new URL("/authorize", ORIGIN);
	url.search = new URLSearchParams(params).toString();
	const response = await callWorker(url);
	expect(response.status).toBe(302);
	const location = new URL(response.headers.get("Location") ?? "");
	expect(`${location.origin}${location.pathname}`).toBe(CLIENT_REDIRECT_URI);
	expect(location.searchParams.get("error")).toBe(error);
	expect(location.searchParams.get("code")).toBeNull();
	expect(response.headers.getSetCookie()).toEqual([]);
}

async function register(metadata: Record<string, unknown> | string) {
	const response = await callWorker("/register", {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: typeof metadata === "string" ? metadata : JSON.stringify(metadata),
	});
	const text = await response.text();
	return { status: response.status, text };
}

type Case = [name: string, run: () => Promise<void>];

const CASES: Case[] = [
	// --- /authorize ------------------------------------------------------------------------
	[
		"unregistered redirect_uri: refused on a page",
		async () => {
			const { client_id } = await registerClient();
			const pkce = await createPkce();
			await expectAuthorizeRefusedLocally({
				response_type: "code",
				client_id,
				redirect_uri: "http://127.0.0.1:1/evil",
				code_challenge: pkce.challenge,
				code_challenge_method: "S256",
			});
		},
	],
	[
		"altered redirect_uri (extra path, query): refused on a page",
		async () => {
			const { client_id } = await registerClient();
			const pkce = await createPkce();
			for (const redirect of [
				`${CLIENT_REDIRECT_URI}/../evil`,
				`${CLIENT_REDIRECT_URI}x`,
				`${CLIENT_REDIRECT_URI}?next=https://evil.example`,
			]) {
				await expectAuthorizeRefusedLocally({
					response_type: "code",
					client_id,
					redirect_uri: redirect,
					code_challenge: pkce.challenge,
					code_challenge_method: "S256",
				});
			}
		},
	],
	[
		"unknown client: refused on a page",
		async () => {
			const pkce = await createPkce();
			await expectAuthorizeRefusedLocally({
				response_type: "code",
				client_id: "unknown-client",
				redirect_uri: CLIENT_REDIRECT_URI,
				code_challenge: pkce.challenge,
				code_challenge_method: "S256",
			});
		},
	],
	[
		"missing PKCE: invalid_request back to the client",
		async () => {
			const { client_id } = await registerClient();
			await expectAuthorizeErrorRedirect(
				{ response_type: "code", client_id, redirect_uri: CLIENT_REDIRECT_URI, state: "s" },
				"invalid_request",
			);
		},
	],
	[
		"plain PKCE: invalid_request back to the client",
		async () => {
			const { client_id } = await registerClient();
			await expectAuthorizeErrorRedirect(
				{
					response_type: "code",
					client_id,
					redirect_uri: CLIENT_REDIRECT_URI,
					code_challenge: "a".repeat(43),
					code_challenge_method: "plain",
				},
				"invalid_request",
			);
		},
	],
	[
		"response_type=token (implicit flow): unsupported_response_type back to the client",
		async () => {
			const { client_id } = await registerClient();
			const pkce = await createPkce();
			await expectAuthorizeErrorRedirect(
				{
					response_type: "token",
					client_id,
					redirect_uri: CLIENT_REDIRECT_URI,
					code_challenge: pkce.challenge,
					code_challenge_method: "S256",
				},
				"unsupported_response_type",
			);
		},
	],
	// --- /token ----------------------------------------------------------------------------
	[
		"wrong PKCE verifier: invalid_grant, no token",
		async () => {
			const { client_id } = await registerClient();
			const pkce = await createPkce();
			const code = await codeFor(client_id, pkce);
			const result = await token({
				grant_type: "authorization_code",
				client_id,
				code,
				code_verifier: (await createPkce()).verifier,
				redirect_uri: CLIENT_REDIRECT_URI,
			});
			expect(result.status).toBe(400);
			expect(result.body.error).toBe("invalid_grant");
			expect(result.body.access_token).toBeUndefined();
		},
	],
	[
		"authorization code reuse: invalid_grant, and the tokens from its first use stop working",
		async () => {
			const { client_id } = await registerClient();
			const pkce = await createPkce();
			const code = await codeFor(client_id, pkce);
			const first = (await (await exchangeCode(client_id, code, pkce.verifier)).json()) as { access_token: string };
			expect(await mcpStatus(first.access_token)).toBe(200);
			const again = await exchangeCode(client_id, code, pkce.verifier);
			expect(again.status).toBe(400);
			expect(((await again.json()) as { error: string }).error).toBe("invalid_grant");
			expect(await mcpStatus(first.access_token)).toBe(401);
		},
	],
	[
		"code presented by another client: refused, no token",
		async () => {
			const victim = await registerClient();
			const attacker = await registerClient();
			const pkce = await createPkce();
			const code = await codeFor(victim.client_id, pkce);
			const result = await token({
				grant_type: "authorization_code",
				client_id: attacker.client_id,
				code,
				code_verifier: pkce.verifier,
				redirect_uri: CLIENT_REDIRECT_URI,
			});
			expect(result.status).toBe(400);
			expect(result.body.error).toBe("invalid_grant");
			expect(result.body.access_token).toBeUndefined();
		},
	],
	[
		"code exchanged for another resource: invalid_target, no token",
		async () => {
			const { client_id } = await registerClient();
			const pkce = await createPkce();
			const code = await codeFor(client_id, pkce);
			const result = await token({
				grant_type: "authorization_code",
				client_id,
				code,
				code_verifier: pkce.verifier,
				redirect_uri: CLIENT_REDIRECT_URI,
				resource: "https://other.example.com",
			});
			expect(result.status).toBe(400);
			expect(result.body.error).toBe("invalid_target");
			expect(result.body.access_token).toBeUndefined();
		},
	],
	[
		"refresh token used by another client: invalid_grant",
		async () => {
			const victim = await signIn();
			const attacker = await registerClient();
			const result = await refresh(attacker.client_id, victim.refreshToken);
			expect(result.status).toBe(400);
			expect(result.body.error).toBe("invalid_grant");
			expect(result.body.access_token).toBeUndefined();
		},
	],
	[
		"refresh token reused beyond the rotation grace: invalid_grant",
		async () => {
			const session = await signIn();
			const second = await refresh(session.clientId, session.refreshToken);
			expect(second.status).toBe(200);
			const third = await refresh(session.clientId, String(second.body.refresh_token));
			expect(third.status).toBe(200);
			// The first refresh token was superseded twice: it is dead.
			const replay = await refresh(session.clientId, session.refreshToken);
			expect(replay.status).toBe(400);
			expect(replay.body.error).toBe("invalid_grant");
		},
	],
	// --- bearer tokens at /mcp -------------------------------------------------------------
	[
		"token in the query string instead of the header: 401",
		async () => {
			const { accessToken } = await signIn();
			expect(await mcpStatus("", { query: `?access_token=${encodeURIComponent(accessToken)}` })).toBe(401);
		},
	],
	[
		"garbage token: 401",
		async () => {
			for (const garbage of ["x", "a:b:c", "Bearer", "a".repeat(5000)]) expect(await mcpStatus(garbage)).toBe(401);
		},
	],
	[
		"expired token: 401",
		async () => {
			const { accessToken } = await signIn();
			expect(await mcpStatus(accessToken)).toBe(200);
			// Let the clock pass its expiry: the token record (key token:<user>:<grant>:<hash>) says
			// when it expires; KV's own expiry would only delete it later.
			const [userId, grantId] = accessToken.split(":");
			const { keys } = await env.OAUTH_KV.list({ prefix: `token:${userId}:${grantId}:` });
			expect(keys).toHaveLength(1);
			const key = keys[0]?.name ?? "";
			const record = (await env.OAUTH_KV.get(key, { type: "json" })) as { expiresAt: number };
			await env.OAUTH_KV.put(key, JSON.stringify({ ...record, expiresAt: Math.floor(Date.now() / 1000) - 1 }));
			expect(await mcpStatus(accessToken)).toBe(401);
		},
	],
	[
		"a GitHub token presented as an MCP token: 401",
		async () => {
			expect(await mcpStatus(await mintGithubToken("octocat"))).toBe(401);
		},
	],
	// --- consent and callback --------------------------------------------------------------
	[
		"consent forged from another browser (no binding cookie): 400, nothing issued",
		async () => {
			const grants = await countKeys("grant:");
			const { client_id } = await registerClient();
			const consent = await openConsent(client_id, await createPkce());
			const response = await submitConsent({ ...consent, jar: new CookieJar() }, "approve");
			expect(response.status).toBe(400);
			expect(response.headers.get("Location")).toBeNull();
			expect(await countKeys("grant:")).toBe(grants);
		},
	],
	[
		"consent handle reused: 400",
		async () => {
			const { client_id } = await registerClient();
			const consent = await openConsent(client_id, await createPkce());
			expect((await submitConsent(consent, "approve")).status).toBe(302);
			const again = await submitConsent(consent, "approve");
			expect(again.status).toBe(400);
			expect(again.headers.get("Location")).toBeNull();
		},
	],
	[
		"consent page framed: forbidden by headers",
		async () => {
			const { client_id } = await registerClient();
			const response = await callWorker(authorizeUrl(client_id, await createPkce()), { jar: new CookieJar() });
			await response.text();
			expect(response.headers.get("X-Frame-Options")).toBe("DENY");
			expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
		},
	],
	[
		"state replayed at /callback: 400, nothing issued",
		async () => {
			const { client_id } = await registerClient();
			const consent = await openConsent(client_id, await createPkce());
			const approved = await submitConsent(consent, "approve");
			const callback = await signInAtGithub(approved.headers.get("Location") ?? "", "octocat");
			expect((await callWorker(callback, { jar: consent.jar })).status).toBe(302);
			const grants = await countKeys("grant:");
			const replay = await callWorker(callback, { jar: consent.jar });
			expect(replay.status).toBe(400);
			expect(replay.headers.get("Location")).toBeNull();
			expect(await countKeys("grant:")).toBe(grants);
		},
	],
	[
		"state from another browser: 400, nothing issued",
		async () => {
			const grants = await countKeys("grant:");
			const { client_id } = await registerClient();
			const consent = await openConsent(client_id, await createPkce());
			const approved = await submitConsent(consent, "approve");
			const callback = await signInAtGithub(approved.headers.get("Location") ?? "", "octocat");
			const response = await callWorker(callback, { jar: new CookieJar() });
			expect(response.status).toBe(400);
			expect(await countKeys("grant:")).toBe(grants);
		},
	],
	[
		"GitHub answers error=access_denied: access_denied to the client, nothing issued",
		async () => {
			const grants = await countKeys("grant:");
			const { client_id } = await registerClient();
			const consent = await openConsent(client_id, await createPkce());
			const approved = await submitConsent(consent, "approve");
			const callback = await signInAtGithub(approved.headers.get("Location") ?? "", "octocat", "cancel");
			const response = await callWorker(callback, { jar: consent.jar });
			expect(response.status).toBe(302);
			const location = new URL(response.headers.get("Location") ?? "");
			expect(location.searchParams.get("error")).toBe("access_denied");
			expect(location.searchParams.get("code")).toBeNull();
			expect(await countKeys("grant:")).toBe(grants);
		},
	],
	// --- dynamic client registration --------------------------------------------------------
	[
		"registration with javascript:, data: or remote http: redirect URIs: 400, nothing stored",
		async () => {
			const clients = await countKeys("client:");
			for (const uri of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://evil.example/cb"]) {
				const result = await register({ client_name: "x", redirect_uris: [uri], token_endpoint_auth_method: "none" });
				expect(result.status).toBe(400);
				expect(JSON.parse(result.text)).toMatchObject({ error: "invalid_client_metadata" });
			}
			expect(await countKeys("client:")).toBe(clients);
		},
	],
	[
		"registration with malformed or oversized metadata: 400, nothing stored",
		async () => {
			const clients = await countKeys("client:");
			for (const body of [
				"{not json",
				JSON.stringify([]),
				JSON.stringify({ redirect_uris: "not-a-list" }),
				JSON.stringify({ redirect_uris: [] }),
			]) {
				expect((await register(body)).status).toBe(400);
			}
			const huge = await register({
				client_name: "x".repeat(2 * 1024 * 1024),
				redirect_uris: [CLIENT_REDIRECT_URI],
				token_endpoint_auth_method: "none",
			});
			expect([400, 413]).toContain(huge.status);
			expect(await countKeys("client:")).toBe(clients);
		},
	],
	[
		"HTML and script in a client's name and URI: escaped, and only http(s) linked",
		async () => {
			const { client_id } = await registerClient({
				client_name: '<img src=x onerror="alert(1)">',
				client_uri: "https://app.example/?a=1&b=<2>",
			});
			const { page } = await openConsent(client_id, await createPkce());
			expect(page).not.toContain("<img src=x");
			expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
			expect(page).toContain('href="https://app.example/?a=1&amp;b=%3C2%3E"');
			// A script URL never gets as far as the page: registration refuses it.
			const scripted = await register({
				client_name: "x",
				client_uri: "javascript:alert(1)",
				redirect_uris: [CLIENT_REDIRECT_URI],
				token_endpoint_auth_method: "none",
			});
			expect(scripted.status).toBe(400);
		},
	],
	// --- the MCP endpoint -------------------------------------------------------------------
	[
		"malformed JSON, unknown methods, wrong argument types, a multi-megabyte body: 4xx or a JSON-RPC error, never a 500",
		async () => {
			const accessToken = await issueTokenForProps(await octocatProps());
			const post = (body: string, headers: Record<string, string> = {}) =>
				callWorker("/mcp", {
					method: "POST",
					body,
					headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json", Accept: ACCEPT, ...headers },
				});
			const malformed = await post("{not json");
			expect(malformed.status).toBe(400);
			expect(((await malformed.json()) as { error: { code: number } }).error.code).toBe(-32700);

			const init = await post(
				JSON.stringify({
					jsonrpc: "2.0",
					id: 1,
					method: "initialize",
					params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "a", version: "1" } },
				}),
			);
			const sessionId = init.headers.get("mcp-session-id") ?? "";
			await init.text();
			const session = { "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" };

			const unknown = await post(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "no/such/method" }), session);
			expect(unknown.status).toBe(200);
			expect(await unknown.text()).toContain("-32601");

			const badArgs = await post(
				JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "add", arguments: { a: "1", b: [] } } }),
				session,
			);
			expect(badArgs.status).toBe(200);
			expect(await badArgs.text()).toMatch(/-32602|"isError":true/);

			const huge = await post(
				JSON.stringify({
					jsonrpc: "2.0",
					id: 4,
					method: "tools/call",
					params: { name: "add", arguments: { a: 1, b: 2, pad: "x".repeat(5 * 1024 * 1024) } },
				}),
				session,
			);
			expect(huge.status).toBe(413);
			await huge.text();
		},
	],
];

describe("adversarial battery", () => {
	it.each(CASES)("%s", async (_name, run) => {
		await run();
	});

	it("the server keeps serving after all of the above", async () => {
		const { accessToken } = await signIn();
		expect(await mcpStatus(accessToken)).toBe(200);
	});
});
