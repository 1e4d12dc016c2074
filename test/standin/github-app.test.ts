/**
 * The stand-in's GitHub App client behaves as GitHub documents for user access tokens that
 * expire (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens):
 * ghu_/ghr_ pairs with their lifetimes, rotation on every refresh, bad_refresh_token (HTTP 200)
 * for a used, dead or expired refresh token, 401 for an expired access token, and repositories
 * visible only where the app is installed.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGithubStandIn } from "../../scripts/github-standin/index.mjs";
import { createPkce } from "../support/pkce";
import type { AppTokenResponse } from "../support/standin-app";
import { api, authorize, control, createUser, mintAppTokens, mintToken, type StandIn, tokenEndpoint } from "./support";

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startGithubStandIn();
});
afterAll(async () => {
	await standIn.close();
});

const BAD_REFRESH_TOKEN = { error: "bad_refresh_token", error_description: "The refresh token passed is incorrect or expired." };

/** grant_type=refresh_token with the GitHub App's credentials. */
function refresh(refreshToken: string, credentials: Record<string, string> = {}) {
	return tokenEndpoint(standIn, {
		grant_type: "refresh_token",
		client_id: standIn.appClientId,
		client_secret: standIn.appClientSecret,
		refresh_token: refreshToken,
		...credentials,
	});
}

interface RefreshLogEntry {
	login: string | null;
	refreshToken: string;
	result: string;
	reason?: string;
	accessToken?: string;
	newRefreshToken?: string;
}

async function refreshLog(query: string) {
	return (await control<{ refreshes: RefreshLogEntry[] }>(standIn, "GET", `/refreshes?${query}`)).body.refreshes;
}

describe("GitHub App: sign-in", () => {
	it("issues an expiring ghu_ token and a ghr_ refresh token with GitHub's lifetimes, and no scopes", async () => {
		const { verifier, challenge } = await createPkce();
		const code = await authorize(standIn, { login: "octocat", challenge, clientId: standIn.appClientId });
		const { status, body } = await tokenEndpoint(standIn, {
			client_id: standIn.appClientId,
			client_secret: standIn.appClientSecret,
			code,
			code_verifier: verifier,
		});
		expect(status).toBe(200);
		expect(body).toEqual({
			access_token: expect.stringMatching(/^ghu_/),
			expires_in: 28800,
			refresh_token: expect.stringMatching(/^ghr_/),
			refresh_token_expires_in: 15897600,
			token_type: "bearer",
			scope: "",
		});
		const user = await api(standIn, "/user", String(body.access_token));
		expect(user.status).toBe(200);
		expect(await user.json()).toMatchObject({ login: "octocat", id: 583231 });
		// GitHub App tokens have permissions, not OAuth scopes.
		expect(user.headers.get("x-oauth-scopes")).toBeNull();
	});

	it("shows a sign-in page for the GitHub App naming where it is installed, instead of scopes", async () => {
		const params = new URLSearchParams({ client_id: standIn.appClientId, redirect_uri: "http://localhost:8788/callback", scope: "repo" });
		const html = await (await fetch(`${standIn.baseUrl}/login/oauth/authorize?${params}`)).text();
		expect(html).toContain("development stand-in");
		expect(html).toContain("A GitHub App wants to act on your behalf");
		expect(html).toContain("<code>octocat</code>");
		expect(html).not.toContain("<code>repo</code>");
	});
});

describe("GitHub App: refresh", () => {
	it("rotates both tokens; the used refresh token and the old access token stop working", async () => {
		const first = await mintAppTokens(standIn, "octocat");
		const rotated = await refresh(first.refresh_token);
		expect(rotated.status).toBe(200);
		const second = rotated.body as unknown as AppTokenResponse;
		expect(second.access_token).toMatch(/^ghu_/);
		expect(second.refresh_token).toMatch(/^ghr_/);
		expect(second.access_token).not.toBe(first.access_token);
		expect(second.refresh_token).not.toBe(first.refresh_token);
		expect(second).toMatchObject({ expires_in: 28800, refresh_token_expires_in: 15897600, token_type: "bearer", scope: "" });

		expect((await api(standIn, "/user", first.access_token)).status).toBe(401);
		expect((await api(standIn, "/user", second.access_token)).status).toBe(200);

		const reused = await refresh(first.refresh_token);
		expect(reused.status).toBe(200);
		expect(reused.body).toMatchObject(BAD_REFRESH_TOKEN);
		expect(reused.body.access_token).toBeUndefined();
		// The newer refresh token still works: a reuse does not end the family.
		expect((await refresh(second.refresh_token)).body.access_token).toMatch(/^ghu_/);
	});

	it("logs every refresh of a family, so a test can count them", async () => {
		const { login } = await createUser(standIn);
		const first = await mintAppTokens(standIn, login);
		const second = (await refresh(first.refresh_token)).body as unknown as AppTokenResponse;
		await refresh(first.refresh_token);

		const byLogin = await refreshLog(`login=${login}`);
		expect(byLogin).toMatchObject([
			{
				login,
				refreshToken: first.refresh_token,
				result: "rotated",
				accessToken: second.access_token,
				newRefreshToken: second.refresh_token,
			},
			{ login, refreshToken: first.refresh_token, result: "bad_refresh_token", reason: "used" },
		]);
		// Any refresh token of the family names the whole family.
		expect(await refreshLog(`refresh_token=${second.refresh_token}`)).toEqual(byLogin);
		expect(byLogin.filter((entry) => entry.result === "rotated")).toHaveLength(1);
	});

	it.each([
		["an unknown refresh token", "ghr_unknown", {}, BAD_REFRESH_TOKEN],
		["a wrong client secret", undefined, { client_secret: "nope" }, { error: "incorrect_client_credentials" }],
		[
			"the OAuth App's credentials",
			undefined,
			{ client_id: "standin-client-id", client_secret: "standin-client-secret" },
			BAD_REFRESH_TOKEN,
		],
	])("refuses %s, with HTTP 200 like GitHub", async (_case, token, credentials, error) => {
		const pair = await mintAppTokens(standIn, "octocat");
		const result = await refresh(token ?? pair.refresh_token, credentials);
		expect(result.status).toBe(200);
		expect(result.body).toMatchObject(error);
		expect(result.body.access_token).toBeUndefined();
	});

	it("refuses a refresh token a test killed", async () => {
		const pair = await mintAppTokens(standIn, "octocat");
		expect((await control(standIn, "DELETE", `/refresh-tokens/${pair.refresh_token}`)).status).toBe(204);
		expect((await refresh(pair.refresh_token)).body).toMatchObject(BAD_REFRESH_TOKEN);
		expect((await refreshLog(`refresh_token=${pair.refresh_token}`)).map((entry) => entry.reason)).toEqual(["killed"]);
		expect((await control(standIn, "DELETE", "/refresh-tokens/ghr_unknown")).status).toBe(404);
	});
});

describe("GitHub App: expiry", () => {
	it("answers 401 Bad credentials once the access token expires; the refresh token still works", async () => {
		const pair = await mintAppTokens(standIn, "octocat", { accessTokenTtlSeconds: 1 });
		expect(pair.expires_in).toBe(1);
		expect((await api(standIn, "/user", pair.access_token)).status).toBe(200);
		await sleep(1100);
		const expired = await api(standIn, "/user", pair.access_token);
		expect(expired.status).toBe(401);
		expect(await expired.json()).toMatchObject({ message: "Bad credentials" });
		const renewed = (await refresh(pair.refresh_token)).body;
		expect((await api(standIn, "/user", String(renewed.access_token))).status).toBe(200);
	});

	it("refuses an expired refresh token", async () => {
		const pair = await mintAppTokens(standIn, "octocat", { refreshTokenTtlSeconds: 0 });
		expect((await refresh(pair.refresh_token)).body).toMatchObject(BAD_REFRESH_TOKEN);
		expect((await refreshLog(`refresh_token=${pair.refresh_token}`)).map((entry) => entry.reason)).toEqual(["expired"]);
	});

	it("applies lifetimes set at runtime for one login to the tokens of its next sign-in, and nobody else's", async () => {
		const { login } = await createUser(standIn);
		const set = await control(standIn, "POST", "/app-settings", { login, accessTokenTtlSeconds: 0, refreshTokenTtlSeconds: 60 });
		expect(set.body).toEqual({ accessTokenTtlSeconds: 0, refreshTokenTtlSeconds: 60 });
		const { verifier, challenge } = await createPkce();
		const code = await authorize(standIn, { login, challenge, clientId: standIn.appClientId });
		const { body } = await tokenEndpoint(standIn, {
			client_id: standIn.appClientId,
			client_secret: standIn.appClientSecret,
			code,
			code_verifier: verifier,
		});
		expect(body).toMatchObject({ expires_in: 0, refresh_token_expires_in: 60 });
		expect((await api(standIn, "/user", String(body.access_token))).status).toBe(401);
		expect((await mintAppTokens(standIn, "octocat")).expires_in).toBe(28800);
		expect((await control(standIn, "POST", "/app-settings", { accessTokenTtlSeconds: -1 })).status).toBe(400);
	});

	it("takes lifetimes as options at start", async () => {
		const other = await startGithubStandIn({ appAccessTokenTtlSeconds: 5, appRefreshTokenTtlSeconds: 50 });
		try {
			const { body } = await control<AppTokenResponse>(other, "POST", "/app-tokens", { login: "octocat" });
			expect(body).toMatchObject({ expires_in: 5, refresh_token_expires_in: 50 });
		} finally {
			await other.close();
		}
	});
});

describe("GitHub App: installations", () => {
	it("sees repositories only where the app is installed, private ones included; 404 elsewhere", async () => {
		const octocat = await mintAppTokens(standIn, "octocat");
		const repos = (await (await api(standIn, "/user/repos?per_page=100", octocat.access_token)).json()) as { private: boolean }[];
		expect(repos).toHaveLength(35);
		expect(repos.some((repo) => repo.private)).toBe(true);

		const { login } = await createUser(standIn);
		const repo = `/repos/${login}/scratch-installations`;
		const app = await mintAppTokens(standIn, login);
		expect((await api(standIn, repo, app.access_token)).status).toBe(404);
		expect((await api(standIn, `${repo}/issues`, app.access_token, { method: "POST", body: '{"title":"x"}' })).status).toBe(404);
		// An OAuth App token of the same user sees it: the 404 is the installation's.
		expect((await api(standIn, repo, await mintToken(standIn, login))).status).toBe(200);

		const installed = await control<{ owners: string[] }>(standIn, "POST", "/installations", { owner: login, installed: true });
		expect(installed.body.owners).toContain(login.toLowerCase());
		expect((await api(standIn, repo, app.access_token)).status).toBe(200);
		expect((await api(standIn, `${repo}/issues`, app.access_token, { method: "POST", body: '{"title":"x"}' })).status).toBe(201);

		await control(standIn, "POST", "/installations", { owner: login, installed: false });
		expect((await api(standIn, repo, app.access_token)).status).toBe(404);
	});
});

describe("GitHub App: installation page", () => {
	it("serves /apps/<slug>/installations/new, which installs the app on an account", async () => {
		expect(standIn.appSlug).toBe("standin-dev-app");
		const page = await fetch(`${standIn.baseUrl}/apps/${standIn.appSlug}/installations/new`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain("<code>octocat</code>");
		expect((await fetch(`${standIn.baseUrl}/apps/no-such-app/installations/new`)).status).toBe(404);

		const { login } = await createUser(standIn);
		const installed = await fetch(`${standIn.baseUrl}/apps/${standIn.appSlug}/installations/new`, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ owner: login }),
		});
		expect(installed.status).toBe(200);
		expect((await control<{ owners: string[] }>(standIn, "GET", "/installations")).body.owners).toContain(login.toLowerCase());
	});
});

describe("GitHub App: token endpoint outage", () => {
	it("answers one login's refreshes with 502 while a test has the endpoint down, and rotates again after", async () => {
		const { login } = await createUser(standIn);
		const pair = await mintAppTokens(standIn, login);
		expect((await control(standIn, "POST", "/token-endpoint", { login, down: true })).body).toEqual({ login, down: true });

		const response = await fetch(`${standIn.baseUrl}/login/oauth/access_token`, {
			method: "POST",
			headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({
				grant_type: "refresh_token",
				client_id: standIn.appClientId,
				client_secret: standIn.appClientSecret,
				refresh_token: pair.refresh_token,
			}),
		});
		expect(response.status).toBe(502);
		// Nobody else's refreshes are affected, and the refresh token is not used up.
		expect((await refresh((await mintAppTokens(standIn, "octocat")).refresh_token)).body.access_token).toMatch(/^ghu_/);
		expect(await refreshLog(`login=${login}`)).toEqual([]);

		await control(standIn, "POST", "/token-endpoint", { login, down: false });
		expect((await refresh(pair.refresh_token)).body.access_token).toMatch(/^ghu_/);
		expect((await control(standIn, "POST", "/token-endpoint", { login, down: "yes" })).status).toBe(400);
		expect((await control(standIn, "POST", "/token-endpoint", { login: "no-such-user-x", down: true })).status).toBe(400);
	});
});
