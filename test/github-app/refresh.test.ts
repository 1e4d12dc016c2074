/**
 * GitHub App mode against the stand-in's GitHub App client: user tokens that expire within seconds
 * and rotate on every refresh. Every user signs in through the real flow (consent, the stand-in's
 * sign-in page, /callback, /token) as a user of the test's own, with lifetimes set for that login.
 *
 * The Worker refreshes REFRESH_MARGIN_MS before the expiry GitHub announced, so a token that lives
 * REFRESH_MARGIN_MS + a few seconds is "about to expire" a few seconds after sign-in.
 */

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

import { describe, expect, it } from "vitest";
import { REFRESH_MARGIN_MS } from "../../src/upstream/types";
import { githubRequests } from "../support/standin";
import {
	createAppUser,
	killRefreshToken,
	mintAppTokens,
	type RefreshLogEntry,
	refreshLog,
	setAppTokenLifetimes,
	setTokenEndpointDown,
} from "../support/standin-app";
import { grantProps } from "../support/users";
import {
	acceptAsShown,
	call,
	connect,
	flow,
	grantPropsOf,
	issueTokens,
	LANES,
	type Lane,
	standIn,
	type TestClient,
} from "../worker/harness";

const MARGIN_S = REFRESH_MARGIN_MS / 1000;
/** Lifetimes that make a token "about to expire" `seconds` after it was issued. */
const expiringIn = (seconds: number) => ({ accessTokenTtlSeconds: MARGIN_S + seconds });

const base = () => standIn().baseUrl;

/** A user of this test's own, with the app installed on their account, signed in through the App client. */
async function signedInAppUser(lifetimes: { accessTokenTtlSeconds?: number; refreshTokenTtlSeconds?: number }) {
	const user = await createAppUser(base(), lifetimes);
	const signedIn = await flow.signIn({ login: user.login, scopes: ["github:private", "github:write"] });
	const props = await grantPropsOf(signedIn.accessToken);
	if (!props) throw new Error("the access token carries no grant props");
	return { user, signedIn, props };
}

/** get_repo on a repository of the user's own, where the app is installed. */
function getRepo(client: TestClient, login: string) {
	return client.callTool({ name: "get_repo", arguments: { owner: login, repo: "scratch-refresh" } });
}

function text(result: { content?: unknown }): string {
	return ((result.content ?? []) as { type: string; text?: string }[]).map((part) => part.text ?? "").join("\n");
}

const rotations = (log: RefreshLogEntry[]) => log.filter((entry) => entry.result === "rotated");

async function pathsSentWith(token: string): Promise<string[]> {
	return (await githubRequests(base(), token)).map((request) => request.path);
}

function mcpPost(accessToken: string, body: unknown): Promise<Response> {
	return call("/mcp", {
		method: "POST",
		headers: {
			Authorization: `Bearer ${accessToken}`,
			"Content-Type": "application/json",
			Accept: "application/json, text/event-stream",
		},
		body: JSON.stringify(body),
	});
}

describe("GitHub App sign-in", () => {
	it("asks GitHub for no scopes and keeps the expiring token with its refresh token in the grant", async () => {
		const user = await createAppUser(base());
		const clientId = (await flow.register()).client_id;
		const consent = await flow.openConsent(clientId);
		const approved = await flow.submitConsent(consent, "approve", ["github:private"]);
		const githubAuthorize = new URL(approved.headers.get("Location") ?? "");
		expect(githubAuthorize.searchParams.get("client_id")).toBe(standIn().appClientId);
		// A GitHub App's permissions are set on the app: no OAuth scopes are asked for.
		expect(githubAuthorize.searchParams.has("scope")).toBe(false);

		const code = await flow.codeAfterApproval(approved, consent.jar, user.login);
		const tokens = (await (await flow.exchangeCode(clientId, code, consent.pkce.verifier)).json()) as { access_token: string };
		const props = await grantPropsOf(tokens.access_token);
		expect(props?.user).toMatchObject({ id: String(user.id), login: user.login });
		expect(props?.upstream).toMatchObject({ accessToken: expect.stringMatching(/^ghu_/), refreshToken: expect.stringMatching(/^ghr_/) });
		// GitHub's 8 hours, give or take the time the exchange took.
		expect(props?.upstream.expiresAt).toBeGreaterThan(Date.now() + 8 * 3600_000 - 60_000);
	});
});

describe.each(LANES)("a session across the GitHub token's expiry (%s lane)", (lane: Lane) => {
	it("keeps working: the sign-in token while it is valid, then one refresh and the new token", async () => {
		const { user, signedIn, props } = await signedInAppUser(expiringIn(3));
		const client = await connect(lane, signedIn.accessToken);
		try {
			expect((await getRepo(client, user.login)).isError).toBeFalsy();
			expect(await refreshLog(base(), user.login)).toEqual([]);
			expect(await pathsSentWith(props.upstream.accessToken)).toContain(`/repos/${user.login}/scratch-refresh`);

			await sleep(3_500);
			const afterExpiry = await getRepo(client, user.login);
			expect(afterExpiry.isError).toBeFalsy();
			expect(afterExpiry.structuredContent).toMatchObject({ full_name: `${user.login}/scratch-refresh` });
			const [refresh, ...more] = await refreshLog(base(), user.login);
			expect(more).toEqual([]);
			expect(refresh).toMatchObject({ result: "rotated", refreshToken: props.upstream.refreshToken });
			expect(await pathsSentWith(refresh?.accessToken ?? "")).toContain(`/repos/${user.login}/scratch-refresh`);

			// The new token is used from now on, without another refresh.
			expect((await getRepo(client, user.login)).isError).toBeFalsy();
			expect(await refreshLog(base(), user.login)).toHaveLength(1);
			expect((await pathsSentWith(refresh?.accessToken ?? "")).length).toBe(2);
		} finally {
			await client.close();
		}
	});

	it("refreshes once, and retries, when GitHub refuses the token before the expiry in the grant (401)", async () => {
		// GitHub can end a user token early (clock skew, the app's tokens reset): the grant still
		// says it is valid for an hour, the stand-in let it live one second.
		const user = await createAppUser(base());
		const pair = await mintAppTokens(base(), user.login, { accessTokenTtlSeconds: 1 });
		const upstream = { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: Date.now() + 3600_000, scopes: [] };
		const { accessToken } = await issueTokens(grantProps({ id: String(user.id), login: user.login, name: null, email: null }, upstream));
		await sleep(1_100);
		const client = await connect(lane, accessToken);
		try {
			const result = await getRepo(client, user.login);
			expect(result.isError).toBeFalsy();
			const log = await refreshLog(base(), user.login);
			expect(log).toMatchObject([{ result: "rotated", refreshToken: pair.refresh_token }]);
			// The refused token once, then the refreshed one.
			expect(await githubRequests(base(), pair.access_token)).toMatchObject([
				{ path: `/repos/${user.login}/scratch-refresh`, status: 401 },
			]);
			expect(await pathsSentWith(log[0]?.accessToken ?? "")).toEqual([`/repos/${user.login}/scratch-refresh`]);
		} finally {
			await client.close();
		}
	});

	it("refreshes exactly once for several calls that arrive together at the expiry", async () => {
		const { user, signedIn, props } = await signedInAppUser(expiringIn(2));
		const clients = await Promise.all([connect(lane, signedIn.accessToken), connect(lane, signedIn.accessToken)]);
		try {
			await sleep(2_500);
			const results = await Promise.all(clients.flatMap((client) => [1, 2, 3].map(() => getRepo(client, user.login))));
			expect(results.map((result) => result.isError ?? false)).toEqual(results.map(() => false));
			const log = await refreshLog(base(), user.login);
			// One rotation, and never a second attempt with the used refresh token.
			expect(log).toMatchObject([{ result: "rotated", refreshToken: props.upstream.refreshToken }]);
		} finally {
			await Promise.all(clients.map((client) => client.close()));
		}
	});

	it("ends the grant when the refresh token is dead: a clear tool error once, then 401 invalid_token; signing in again works", async () => {
		const { user, signedIn, props } = await signedInAppUser(expiringIn(2));
		const client = await connect(lane, signedIn.accessToken);
		try {
			expect((await getRepo(client, user.login)).isError).toBeFalsy();
			// The user revoked the app on GitHub: the refresh token is dead.
			await killRefreshToken(base(), props.upstream.refreshToken ?? "");
			await sleep(2_500);

			const ended = await getRepo(client, user.login);
			expect(ended.isError).toBe(true);
			expect(text(ended)).toMatch(/no longer accepts this connection's sign-in/);
			expect(text(ended)).toMatch(/Reconnect this MCP server to sign in again/);
			expect(await refreshLog(base(), user.login)).toMatchObject([{ result: "bad_refresh_token", reason: "killed" }]);
		} finally {
			await client.close().catch(() => {});
		}

		// No loop: the grant is gone, so the client's next request is told to sign in again.
		const next = await mcpPost(signedIn.accessToken, { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
		expect(next.status).toBe(401);
		expect(next.headers.get("WWW-Authenticate")).toMatch(/invalid_token/);
		const refreshed = await flow.refresh(signedIn.clientId, signedIn.refreshToken);
		expect(refreshed.status).toBe(400);
		expect(await refreshed.json()).toMatchObject({ error: "invalid_grant" });
		// Nobody tried the dead refresh token again.
		expect(await refreshLog(base(), user.login)).toHaveLength(1);

		// The same client signs in again and works.
		const again = await flow.signIn({ login: user.login, clientId: signedIn.clientId });
		const fresh = await connect(lane, again.accessToken);
		try {
			expect((await getRepo(fresh, user.login)).isError).toBeFalsy();
		} finally {
			await fresh.close();
		}
	});

	it("hands a token refreshed at /token a valid GitHub token, even after the GitHub token expired", async () => {
		const { user, signedIn, props } = await signedInAppUser({ accessTokenTtlSeconds: 1 });
		await sleep(1_500);
		// Expired at GitHub too, not only by the Worker's margin.
		expect(await githubStatus(props.upstream.accessToken)).toBe(401);
		await setAppTokenLifetimes(base(), user.login, expiringIn(60));

		const response = await flow.refresh(signedIn.clientId, signedIn.refreshToken);
		expect(response.status).toBe(200);
		const renewed = (await response.json()) as { access_token: string; refresh_token: string };
		const log = await refreshLog(base(), user.login);
		expect(log).toMatchObject([{ result: "rotated", refreshToken: props.upstream.refreshToken }]);
		const renewedProps = await grantPropsOf(renewed.access_token);
		expect(renewedProps?.upstream.accessToken).toBe(log[0]?.accessToken);
		expect(renewedProps?.upstream.refreshToken).toBe(log[0]?.newRefreshToken);
		expect(await githubStatus(renewedProps?.upstream.accessToken ?? "")).toBe(200);

		const client = await connect(lane, renewed.access_token);
		try {
			expect((await getRepo(client, user.login)).isError).toBeFalsy();
			expect(await pathsSentWith(log[0]?.accessToken ?? "")).toContain(`/repos/${user.login}/scratch-refresh`);
			expect(await refreshLog(base(), user.login)).toHaveLength(1);
		} finally {
			await client.close();
		}
	});

	it("reports an outage of GitHub's token endpoint as temporary, and the grant survives it", async () => {
		const { user, signedIn } = await signedInAppUser(expiringIn(2));
		const client = await connect(lane, signedIn.accessToken);
		try {
			expect((await getRepo(client, user.login)).isError).toBeFalsy();
			await setTokenEndpointDown(base(), user.login, true);
			await sleep(2_500);

			const read = await getRepo(client, user.login);
			expect(read.isError).toBe(true);
			expect(text(read)).toMatch(/could not be reached.*Try again/);
			expect(text(read)).not.toMatch(/Reconnect|sign in again/i);

			const tokenRefresh = await flow.refresh(signedIn.clientId, signedIn.refreshToken);
			expect(tokenRefresh.status).toBe(503);
			expect(tokenRefresh.headers.get("Retry-After")).toBe("30");
			expect(await tokenRefresh.json()).toMatchObject({ error: "temporarily_unavailable" });

			// The outage ends: the same session, and the same MCP refresh token, work again.
			await setTokenEndpointDown(base(), user.login, false);
			expect((await getRepo(client, user.login)).isError).toBeFalsy();
			expect(rotations(await refreshLog(base(), user.login))).toHaveLength(1);
			expect((await flow.refresh(signedIn.clientId, signedIn.refreshToken)).status).toBe(200);
		} finally {
			await client.close();
		}
	});
});

describe("calls at the expiry from several sessions of both lanes and a token refresh at once", () => {
	it("cause exactly one GitHub refresh, and all of them succeed", async () => {
		const { user, signedIn, props } = await signedInAppUser(expiringIn(2));
		const clients = await Promise.all([
			connect("legacy", signedIn.accessToken),
			connect("legacy", signedIn.accessToken),
			connect("modern", signedIn.accessToken),
			connect("modern", signedIn.accessToken),
		]);
		try {
			await sleep(2_500);
			const [calls, tokenRefresh] = await Promise.all([
				Promise.all(clients.flatMap((client) => [1, 2, 3].map(() => getRepo(client, user.login)))),
				flow.refresh(signedIn.clientId, signedIn.refreshToken),
			]);
			expect(calls.map((result) => result.isError ?? false)).toEqual(calls.map(() => false));
			expect(tokenRefresh.status).toBe(200);
			const log = await refreshLog(base(), user.login);
			expect(log).toMatchObject([{ result: "rotated", refreshToken: props.upstream.refreshToken }]);
			const renewed = (await tokenRefresh.json()) as { access_token: string };
			expect((await grantPropsOf(renewed.access_token))?.upstream.accessToken).toBe(log[0]?.accessToken);
		} finally {
			await Promise.all(clients.map((client) => client.close()));
		}
	});
});

describe("an MCP token refresh at /token when the GitHub refresh token is dead", () => {
	it("answers invalid_grant and revokes the grant with its tokens; signing in again works", async () => {
		const { user, signedIn, props } = await signedInAppUser(expiringIn(1));
		await killRefreshToken(base(), props.upstream.refreshToken ?? "");
		await sleep(1_500);

		const refreshed = await flow.refresh(signedIn.clientId, signedIn.refreshToken);
		expect(refreshed.status).toBe(400);
		expect(await refreshed.json()).toMatchObject({ error: "invalid_grant", error_description: expect.stringMatching(/Sign in again/) });
		// The library revoked the grant: its access token is refused at once, and the refresh is not retried.
		const next = await mcpPost(signedIn.accessToken, { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
		expect(next.status).toBe(401);
		expect(next.headers.get("WWW-Authenticate")).toMatch(/invalid_token/);
		expect((await flow.refresh(signedIn.clientId, signedIn.refreshToken)).status).toBe(400);
		expect(await refreshLog(base(), user.login)).toMatchObject([{ result: "bad_refresh_token", reason: "killed" }]);

		const again = await flow.signIn({ login: user.login, clientId: signedIn.clientId });
		const client = await connect("modern", again.accessToken);
		try {
			expect((await getRepo(client, user.login)).isError).toBeFalsy();
		} finally {
			await client.close();
		}
	});
});

describe("regressions", () => {
	it("2025-lane calls in two sessions of a grant whose refresh token is dead all answer, and the sessions' storage goes", async () => {
		// GrantStore.end() used to delete (abort) every session at once, those serving these calls
		// included: the clients never got the tool error. Sessions now drop their storage at once and
		// their object a moment later (endSession).
		const { user, signedIn, props } = await signedInAppUser(expiringIn(2));
		const clients = await Promise.all([connect("legacy", signedIn.accessToken), connect("legacy", signedIn.accessToken)]);
		try {
			for (const client of clients) expect((await getRepo(client, user.login)).isError).toBeFalsy();
			const sessions = clients.map(sessionObjectName);
			for (const session of sessions) expect(await holdsGithubCache(session)).toBe(true);
			await killRefreshToken(base(), props.upstream.refreshToken ?? "");
			await sleep(2_500);

			const results = await Promise.all(clients.flatMap((client) => [getRepo(client, user.login), getRepo(client, user.login)]));
			for (const result of results) {
				expect(result.isError).toBe(true);
				expect(text(result)).toMatch(/Reconnect this MCP server to sign in again/);
			}
			expect(await refreshLog(base(), user.login)).toHaveLength(1);
			for (const session of sessions) await expect.poll(() => holdsGithubCache(session), { timeout: 5_000, interval: 250 }).toBe(false);
		} finally {
			await Promise.all(clients.map((client) => client.close().catch(() => {})));
		}
	});

	it.each(LANES)("a write that failed because the GitHub token could not be renewed said it may have happened (%s lane)", async (lane) => {
		// The request was never sent (no token), yet the result said "GitHub may or may not have
		// done it", as for a write that timed out.
		const { user, signedIn } = await signedInAppUser(expiringIn(2));
		const client = await connect(lane, signedIn.accessToken, { elicit: acceptAsShown });
		try {
			await setTokenEndpointDown(base(), user.login, true);
			await sleep(2_500);
			const write = await client.callTool({
				name: "create_issue",
				arguments: { owner: user.login, repo: "scratch-refresh", title: "During the outage" },
			});
			expect(write.isError).toBe(true);
			expect(write.structuredContent).toMatchObject({ status: "failed" });
			expect(text(write)).toMatch(/Nothing was sent to GitHub\. Try again in a moment\./);
			expect(text(write)).not.toMatch(/may or may not/);
			expect(await githubWrites(user.login)).toEqual([]);
		} finally {
			await setTokenEndpointDown(base(), user.login, false);
			await client.close();
		}
	});
});

async function githubStatus(token: string): Promise<number> {
	return (await fetch(`${standIn().apiUrl}/user`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

async function githubWrites(login: string): Promise<unknown[]> {
	const response = await fetch(`${base()}/_standin/writes?repo=${encodeURIComponent(`${login}/scratch-refresh`)}`);
	return ((await response.json()) as { writes: unknown[] }).writes;
}

/** The Durable Object name of a 2025-lane client's session (the signed id's inner part). */
function sessionObjectName(client: TestClient): string {
	const signed = (client as unknown as { transport?: { sessionId?: string } }).transport?.sessionId ?? "";
	return `streamable-http:${signed.split(".")[0]}`;
}

/** Whether a session's Durable Object still holds its GitHub response cache (it is gone once the session is deleted). */
async function holdsGithubCache(name: string): Promise<boolean> {
	const stub = env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(name));
	return runInDurableObject(stub, async (_instance, state) => {
		const rows = state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'github_cache'").toArray();
		return (rows[0]?.n ?? 0) > 0;
	});
}
