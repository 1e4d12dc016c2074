/**
 * The GitHub development stand-in behaves like GitHub where our code depends on it: the OAuth web
 * flow with PKCE, errors reported with HTTP 200, scopes on tokens, pagination headers. If it drifted
 * from GitHub, the Worker's tests would prove nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGithubStandIn } from "../../scripts/github-standin/index.mjs";

let standIn: Awaited<ReturnType<typeof startGithubStandIn>>;
const REDIRECT = "http://localhost:8788/callback";

beforeAll(async () => {
	standIn = await startGithubStandIn();
});
afterAll(async () => {
	await standIn.close();
});

function pkce() {
	const verifier = randomBytes(32).toString("base64url");
	return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** Authorize as `login` and return the code GitHub redirects back with. */
async function authorize(login: string, challenge: string, scope = "read:user user:email") {
	const params = new URLSearchParams({
		client_id: standIn.clientId,
		redirect_uri: REDIRECT,
		state: "st",
		scope,
		code_challenge: challenge,
		code_challenge_method: "S256",
	});
	const page = await fetch(`${standIn.baseUrl}/login/oauth/authorize?${params}`);
	expect(page.status).toBe(200);
	expect(await page.text()).toContain("GitHub development stand-in");
	const response = await fetch(`${standIn.baseUrl}/login/oauth/authorize`, {
		method: "POST",
		redirect: "manual",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ ...Object.fromEntries(params), login, decision: "authorize" }),
	});
	const location = new URL(response.headers.get("Location") ?? "");
	expect(location.searchParams.get("state")).toBe("st");
	return location.searchParams.get("code") ?? "";
}

async function exchange(fields: Record<string, string>) {
	const response = await fetch(`${standIn.baseUrl}/login/oauth/access_token`, {
		method: "POST",
		headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ client_id: standIn.clientId, client_secret: standIn.clientSecret, redirect_uri: REDIRECT, ...fields }),
	});
	return { status: response.status, body: (await response.json()) as Record<string, string> };
}

function api(path: string, token: string) {
	return fetch(`${standIn.apiUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

describe("GitHub stand-in: OAuth web flow", () => {
	it("exchanges a code with the right PKCE verifier once, granting the requested scopes", async () => {
		const { verifier, challenge } = pkce();
		const code = await authorize("octocat", challenge);
		const first = await exchange({ code, code_verifier: verifier });
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ token_type: "bearer", scope: "read:user,user:email" });
		expect(first.body.access_token).toMatch(/^gho_/);
		const again = await exchange({ code, code_verifier: verifier });
		expect(again.body.error).toBe("bad_verification_code");
	});

	it.each([
		["a wrong verifier", { code_verifier: "wrong-verifier-wrong-verifier-wrong-verifier" }, "bad_verification_code"],
		["a wrong client secret", { client_secret: "nope" }, "incorrect_client_credentials"],
		["another redirect_uri", { redirect_uri: "http://localhost:9999/callback" }, "redirect_uri_mismatch"],
	])("refuses %s, with HTTP 200 like GitHub", async (_case, override, error) => {
		const { verifier, challenge } = pkce();
		const code = await authorize("octocat", challenge);
		const result = await exchange({ code, code_verifier: verifier, ...override });
		expect(result.status).toBe(200);
		expect(result.body.error).toBe(error);
		expect(result.body.access_token).toBeUndefined();
	});

	it("sends a user who cancels back with error=access_denied and the state", async () => {
		const response = await fetch(`${standIn.baseUrl}/login/oauth/authorize`, {
			method: "POST",
			redirect: "manual",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ client_id: standIn.clientId, redirect_uri: REDIRECT, state: "st", decision: "cancel" }),
		});
		const location = new URL(response.headers.get("Location") ?? "");
		expect(location.searchParams.get("error")).toBe("access_denied");
		expect(location.searchParams.get("state")).toBe("st");
		expect(location.searchParams.get("code")).toBeNull();
	});

	it("refuses an unknown client on its authorize page", async () => {
		const response = await fetch(`${standIn.baseUrl}/login/oauth/authorize?client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`);
		expect(response.status).toBe(404);
	});
});

describe("GitHub stand-in: REST API", () => {
	it("answers 401 Bad credentials for an unknown token", async () => {
		const response = await api("/user", "gho_unknown");
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ message: "Bad credentials" });
	});

	it("reads /user/emails only with the user:email scope", async () => {
		const { verifier, challenge } = pkce();
		const withScope = (await exchange({ code: await authorize("octocat", challenge), code_verifier: verifier })).body.access_token ?? "";
		expect((await api("/user/emails", withScope)).status).toBe(200);
		const other = pkce();
		const without =
			(await exchange({ code: await authorize("octocat", other.challenge, "read:user"), code_verifier: other.verifier })).body
				.access_token ?? "";
		expect((await api("/user/emails", without)).status).toBe(404);
		expect((await api("/user", without)).headers.get("x-oauth-scopes")).toBe("read:user");
	});

	it("pages /user/repos with GitHub's Link header and validates parameters", async () => {
		const { token } = (await (
			await fetch(`${standIn.baseUrl}/_standin/tokens`, { method: "POST", body: JSON.stringify({ login: "octocat", scopes: ["repo"] }) })
		).json()) as { token: string };
		const first = await api("/user/repos?per_page=10&sort=full_name", token);
		expect(((await first.json()) as unknown[]).length).toBe(10);
		expect(first.headers.get("link")).toMatch(/<[^>]+page=2[^>]*>; rel="next", <[^>]+page=4[^>]*>; rel="last"/);
		const last = await api("/user/repos?per_page=10&page=4", token);
		expect(((await last.json()) as unknown[]).length).toBe(5);
		expect(last.headers.get("link")).not.toContain('rel="next"');
		expect((await api("/user/repos?sort=stars", token)).status).toBe(422);
	});

	it("without the repo scope, lists public repositories only", async () => {
		const { token } = (await (
			await fetch(`${standIn.baseUrl}/_standin/tokens`, {
				method: "POST",
				body: JSON.stringify({ login: "octocat", scopes: ["read:user"] }),
			})
		).json()) as { token: string };
		const repos = (await (await api("/user/repos?per_page=100", token)).json()) as { private: boolean }[];
		expect(repos.length).toBeGreaterThan(0);
		expect(repos.every((repo) => !repo.private)).toBe(true);
	});
});
