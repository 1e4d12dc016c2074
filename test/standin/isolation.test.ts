/**
 * What lets test files run in parallel against one stand-in: scratch repositories that exist on
 * first access, users created per test, and a write log to count what reached "GitHub".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGithubStandIn } from "../../scripts/github-standin/index.mjs";
import { createPkce } from "../support/pkce";
import { api, authorize, control, createUser, mintToken, type StandIn, tokenEndpoint } from "./support";

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startGithubStandIn();
});
afterAll(async () => {
	await standIn.close();
});

interface Write {
	method: string;
	path: string;
	repo: string | null;
	status: number;
	fault: string | null;
}

async function writes(query: string) {
	return (await control<{ writes: Write[] }>(standIn, "GET", `/writes?${query}`)).body.writes;
}

function createIssue(token: string, repo: string, title: string) {
	return api(standIn, `/repos/${repo}/issues`, token, { method: "POST", body: JSON.stringify({ title }) });
}

describe("scratch repositories", () => {
	it("exist on first access under any user: public, no issues, the seed files", async () => {
		const token = await mintToken(standIn, "octocat");
		const repo = (await (await api(standIn, "/repos/octocat/scratch-first-access", token)).json()) as Record<string, unknown>;
		expect(repo).toMatchObject({ full_name: "octocat/scratch-first-access", private: false, owner: { login: "octocat" } });
		expect(await (await api(standIn, "/repos/octocat/scratch-first-access/issues", token)).json()).toEqual([]);
		const readme = (await (await api(standIn, "/repos/octocat/scratch-first-access/contents/README.md", token)).json()) as {
			content: string;
		};
		expect(Buffer.from(readme.content, "base64").toString()).toContain("# Sample");
		expect((await api(standIn, "/repos/hubot/scratch-of-hubot", token)).status).toBe(200);
	});

	it("do not exist under an unknown owner, and other unknown names stay 404", async () => {
		const token = await mintToken(standIn, "octocat");
		expect((await api(standIn, "/repos/nobody-here/scratch-x", token)).status).toBe(404);
		expect((await api(standIn, "/repos/octocat/not-scratch", token)).status).toBe(404);
	});

	it("keep their own issues, and stay out of listings so other tests see the seed unchanged", async () => {
		const token = await mintToken(standIn, "octocat");
		expect((await createIssue(token, "octocat/scratch-kept-apart", "Only here")).status).toBe(201);
		const issues = (await (await api(standIn, "/repos/octocat/scratch-kept-apart/issues", token)).json()) as { number: number }[];
		expect(issues.map((issue) => issue.number)).toEqual([1]);
		const repos = (await (await api(standIn, "/user/repos?per_page=100", token)).json()) as { name: string }[];
		expect(repos).toHaveLength(35);
		expect(repos.some((repo) => repo.name.startsWith("scratch-"))).toBe(false);
		const search = (await (await api(standIn, "/search/issues?q=repo:octocat/scratch-kept-apart", token)).json()) as {
			total_count: number;
		};
		expect(search.total_count).toBe(1);
	});
});

describe("users created per test", () => {
	it("get a unique id and login, sign in on the authorize page and use the API", async () => {
		const one = await createUser(standIn, { name: "Test One", orgs: ["acme"] });
		const two = await createUser(standIn);
		expect(one.id).not.toBe(two.id);
		expect(one.login).not.toBe(two.login);

		const { verifier, challenge } = await createPkce();
		const code = await authorize(standIn, { login: one.login, challenge });
		const token = String((await tokenEndpoint(standIn, { code, code_verifier: verifier })).body.access_token);
		expect(await (await api(standIn, "/user", token)).json()).toMatchObject({ id: one.id, login: one.login, name: "Test One" });
		expect(await (await api(standIn, "/user/orgs", token)).json()).toEqual([{ login: "acme", id: 9000 }]);
	});

	it("take a chosen login once, and only a valid one", async () => {
		const login = `chosen-${Date.now()}`;
		expect((await createUser(standIn, { login })).login).toBe(login);
		expect((await control(standIn, "POST", "/users", { login })).status).toBe(409);
		expect((await control(standIn, "POST", "/users", { login: "octocat" })).status).toBe(409);
		expect((await control(standIn, "POST", "/users", { login: "-bad" })).status).toBe(400);
		expect((await control(standIn, "POST", "/users", { orgs: "acme" })).status).toBe(400);
	});

	it("leave the seeded users' organisations alone (and /_standin/orgs still works for old tests)", async () => {
		const octocat = await mintToken(standIn, "octocat");
		await createUser(standIn, { orgs: ["other-org"] });
		expect(await (await api(standIn, "/user/orgs", octocat)).json()).toEqual([
			{ login: "github", id: 9000 },
			{ login: "octo-org", id: 9001 },
		]);
		const { login } = await createUser(standIn);
		expect((await control(standIn, "POST", "/orgs", { login, orgs: ["octo-org"] })).status).toBe(204);
		expect(await (await api(standIn, "/user/orgs", await mintToken(standIn, login))).json()).toEqual([{ login: "octo-org", id: 9000 }]);
	});
});

describe("write log", () => {
	it("records every write to a repository, so a test can assert exactly one reached GitHub", async () => {
		const token = await mintToken(standIn, "octocat");
		const repo = "octocat/scratch-write-log";
		expect((await api(standIn, `/repos/${repo}/issues`, token)).status).toBe(200);
		expect((await createIssue(token, repo, "Once")).status).toBe(201);
		expect(await writes(`repo=${repo}`)).toEqual([
			expect.objectContaining({ method: "POST", path: `/repos/${repo}/issues`, repo, status: 201, fault: null }),
		]);
		// Case-insensitive, as GitHub's names are.
		expect(await writes(`repo=${repo.toUpperCase()}`)).toHaveLength(1);
	});

	it("records refused and faulted writes too, by token", async () => {
		const readOnly = await mintToken(standIn, "octocat", { scopes: ["read:user"] });
		expect((await createIssue(readOnly, "octocat/scratch-refused", "No")).status).toBe(403);
		const failing = await mintToken(standIn, "octocat", { fault: "server_error" });
		expect((await createIssue(failing, "octocat/scratch-refused", "No")).status).toBe(500);
		expect(await writes(`token=${readOnly}`)).toEqual([expect.objectContaining({ status: 403, fault: null })]);
		expect(await writes(`token=${failing}`)).toEqual([expect.objectContaining({ status: 500, fault: "server_error" })]);
		expect(await writes("repo=octocat/scratch-refused")).toHaveLength(2);
	});
});
