/**
 * The GitHub development stand-in behaves like GitHub where our code depends on it: the OAuth web
 * flow with PKCE, errors reported with HTTP 200, scopes on tokens, pagination headers, and paths
 * routed as GitHub's front end parses them. If it drifted from GitHub, the Worker's tests would
 * prove nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGithubStandIn } from "../../scripts/github-standin/index.mjs";
import { createPkce } from "../support/pkce";
import { api, authorize, control, mintToken, REDIRECT, rawRequest, type StandIn, tokenEndpoint } from "./support";

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startGithubStandIn();
});
afterAll(async () => {
	await standIn.close();
});

/** A token from the full web flow as `login`, with `scope`. */
async function signIn(login: string, scope?: string) {
	const { verifier, challenge } = await createPkce();
	const code = await authorize(standIn, { login, challenge, ...(scope ? { scope } : {}) });
	return String((await tokenEndpoint(standIn, { code, code_verifier: verifier })).body.access_token);
}

describe("GitHub stand-in: OAuth web flow", () => {
	it("exchanges a code with the right PKCE verifier once, granting the requested scopes", async () => {
		const { verifier, challenge } = await createPkce();
		const code = await authorize(standIn, { login: "octocat", challenge });
		const first = await tokenEndpoint(standIn, { code, code_verifier: verifier });
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ token_type: "bearer", scope: "read:user,user:email" });
		expect(first.body.access_token).toMatch(/^gho_/);
		expect(first.body.refresh_token).toBeUndefined();
		const again = await tokenEndpoint(standIn, { code, code_verifier: verifier });
		expect(again.body.error).toBe("bad_verification_code");
	});

	it.each([
		["a wrong verifier", { code_verifier: "wrong-verifier-wrong-verifier-wrong-verifier" }, "bad_verification_code"],
		["a wrong client secret", { client_secret: "nope" }, "incorrect_client_credentials"],
		["another redirect_uri", { redirect_uri: "http://localhost:9999/callback" }, "redirect_uri_mismatch"],
	])("refuses %s, with HTTP 200 like GitHub", async (_case, override, error) => {
		const { verifier, challenge } = await createPkce();
		const code = await authorize(standIn, { login: "octocat", challenge });
		const result = await tokenEndpoint(standIn, { code, code_verifier: verifier, ...override });
		expect(result.status).toBe(200);
		expect(result.body.error).toBe(error);
		expect(result.body.access_token).toBeUndefined();
	});

	it("refuses a code issued to the other client (the GitHub App's code at the OAuth App)", async () => {
		const { verifier, challenge } = await createPkce();
		const code = await authorize(standIn, { login: "octocat", challenge, clientId: standIn.appClientId });
		const result = await tokenEndpoint(standIn, { code, code_verifier: verifier });
		expect(result.body.error).toBe("bad_verification_code");
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

	it("labels every page as a development stand-in", async () => {
		expect(await (await fetch(`${standIn.baseUrl}/`)).text()).toContain("GitHub development stand-in — this is not GitHub.");
	});
});

describe("GitHub stand-in: REST API", () => {
	it("answers 401 Bad credentials for an unknown token", async () => {
		const response = await api(standIn, "/user", "gho_unknown");
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ message: "Bad credentials" });
	});

	it("reads /user/emails only with the user:email scope", async () => {
		expect((await api(standIn, "/user/emails", await signIn("octocat"))).status).toBe(200);
		const without = await signIn("octocat", "read:user");
		expect((await api(standIn, "/user/emails", without)).status).toBe(404);
		expect((await api(standIn, "/user", without)).headers.get("x-oauth-scopes")).toBe("read:user");
	});

	it("pages /user/repos with GitHub's Link header and validates parameters", async () => {
		const token = await mintToken(standIn, "octocat", { scopes: ["repo"] });
		const first = await api(standIn, "/user/repos?per_page=10&sort=full_name", token);
		expect(((await first.json()) as unknown[]).length).toBe(10);
		expect(first.headers.get("link")).toMatch(/<[^>]+page=2[^>]*>; rel="next", <[^>]+page=4[^>]*>; rel="last"/);
		const last = await api(standIn, "/user/repos?per_page=10&page=4", token);
		expect(((await last.json()) as unknown[]).length).toBe(5);
		expect(last.headers.get("link")).not.toContain('rel="next"');
		expect((await api(standIn, "/user/repos?sort=stars", token)).status).toBe(422);
	});

	it("without the repo scope, lists public repositories only", async () => {
		const token = await mintToken(standIn, "octocat", { scopes: ["read:user"] });
		const repos = (await (await api(standIn, "/user/repos?per_page=100", token)).json()) as { private: boolean }[];
		expect(repos.length).toBeGreaterThan(0);
		expect(repos.every((repo) => !repo.private)).toBe(true);
	});

	it("answers a repeated GET with a matching If-None-Match with 304 and no body", async () => {
		const token = await mintToken(standIn, "octocat");
		const first = await api(standIn, "/repos/octocat/repo-a-0", token);
		const etag = first.headers.get("etag") ?? "";
		expect(etag).toMatch(/^W\/"/);
		const second = await api(standIn, "/repos/octocat/repo-a-0", token, { headers: { "If-None-Match": etag } });
		expect(second.status).toBe(304);
		const { body } = await control<{ requests: { path: string; status: number; conditional: boolean }[] }>(
			standIn,
			"GET",
			`/requests?token=${token}`,
		);
		expect(body.requests.map((entry) => [entry.status, entry.conditional])).toEqual([
			[200, false],
			[304, true],
		]);
	});

	it("lists the signed-in user's issues across repositories (GET /issues), by GitHub's filter", async () => {
		const token = await mintToken(standIn, "octocat");
		// GitHub's default filter is `assigned`; no seeded issue is assigned to anyone.
		expect(await (await api(standIn, "/issues", token)).json()).toEqual([]);
		const created = (await (await api(standIn, "/issues?filter=created&state=all&per_page=100", token)).json()) as {
			user: { login: string };
			repository: { full_name: string };
		}[];
		expect(created.length).toBeGreaterThan(0);
		expect(created.every((issue) => issue.user.login === "octocat" && issue.repository.full_name === "octocat/repo-a-0")).toBe(true);
		expect((await api(standIn, "/issues?filter=mine", token)).status).toBe(422);
	});
});

describe("GitHub stand-in: paths as GitHub parses them", () => {
	it("resolves dot segments, also percent-encoded, before routing: /repos/%2e/%2e%2e/issues is /issues", async () => {
		const token = await mintToken(standIn, "octocat");
		// What a tool would send for owner "." and repo ".." if it did not refuse them.
		const response = await rawRequest(standIn, "/api/v3/repos/%2e/%2e%2e/issues", token);
		expect(response.status).toBe(200);
		const { body } = await control<{ requests: { path: string }[] }>(standIn, "GET", `/requests?token=${token}`);
		expect(body.requests.map((entry) => entry.path)).toEqual(["/issues"]);
	});

	it.each([
		// A scratch-… repository would exist on first access: only the router can answer 404 here.
		["an encoded slash in the repository", "/api/v3/repos/octocat/scratch-a%2F..%2F..%2Fuser"],
		["encoded dots in the repository", "/api/v3/repos/octocat/scratch-%2e%2e/issues"],
		["an owner starting with a hyphen", "/api/v3/repos/-octocat/repo-a-0"],
		["an owner with a percent-encoded letter", "/api/v3/repos/octoc%61t/repo-a-0"],
	])("routes /repos/{owner}/{repo} only for valid names: 404 for %s", async (_case, path) => {
		const token = await mintToken(standIn, "octocat");
		const response = await rawRequest(standIn, path, token);
		expect(response.status).toBe(404);
		expect(JSON.parse(response.body)).toMatchObject({ message: "Not Found" });
	});

	it("keeps a protocol-relative request target a path on the stand-in", async () => {
		const token = await mintToken(standIn, "octocat");
		expect((await rawRequest(standIn, "//example.com/api/v3/user", token)).status).toBe(404);
	});

	it("checks the token before answering an unknown API path", async () => {
		expect((await api(standIn, "/no/such/endpoint", "gho_unknown")).status).toBe(401);
		expect((await api(standIn, "/no/such/endpoint", await mintToken(standIn, "octocat"))).status).toBe(404);
	});
});
