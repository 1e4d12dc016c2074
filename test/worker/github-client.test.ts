/**
 * src/github/client.ts against the GitHub stand-in, apart from its path check (github-paths.test.ts):
 * a request GitHub does not answer ends after timeoutMs and says it timed out (for a write: that
 * the outcome is unknown), a 401 is retried once with a renewed token and never twice, and a 401
 * that cannot be renewed ends the grant's GitHub access.
 */
import { describe, expect, it } from "vitest";
import { createGithubClient, describeGithubError, GithubAccessEndedError, type TokenSource } from "../../src/github/client";
import { githubRequests, mintGithubToken } from "../support/standin";
import { standIn } from "./harness";

describe("the GitHub client", () => {
	function tokens(current: string, renewed: string | null): TokenSource & { renewals: string[] } {
		const renewals: string[] = [];
		return {
			renewals,
			current: async () => current,
			renewAfterUnauthorized: async (stale) => {
				renewals.push(stale);
				return renewed;
			},
		};
	}

	it("ends a request GitHub does not answer after timeoutMs, and says it timed out (regression: a timeout read as unreachable)", async () => {
		const hang = await mintGithubToken(standIn().baseUrl, "octocat", { fault: "hang" });
		const github = createGithubClient({ apiUrl: standIn().apiUrl, token: tokens(hang, null), timeoutMs: 300 });
		const started = Date.now();
		const error = await github.request("GET /repos/{owner}/{repo}", { owner: "octocat", repo: "repo-a-0" }).then(
			() => null,
			(caught: unknown) => caught,
		);
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(describeGithubError(error, "read octocat/repo-a-0")).toEqual({
			status: "failed",
			text: "Could not read octocat/repo-a-0: GitHub did not answer in time. Try again in a moment.",
		});
		expect(describeGithubError(error, "create an issue in octocat/repo-a-0", { write: true })).toMatchObject({
			status: "unknown",
			text: expect.stringMatching(
				/^Could not confirm that the request to create an issue in octocat\/repo-a-0 succeeded: GitHub did not answer in time\. GitHub may or may not have done it\./,
			),
		});
	});

	it("retries once with a renewed token after a 401, and never a second time", async () => {
		const refused = await mintGithubToken(standIn().baseUrl, "octocat", { fault: "unauthorized" });
		const good = await mintGithubToken(standIn().baseUrl, "octocat");
		const source = tokens(refused, good);
		const github = createGithubClient({ apiUrl: standIn().apiUrl, token: source });
		const { data } = await github.request("GET /repos/{owner}/{repo}", { owner: "octocat", repo: "repo-a-0" });
		expect(data.full_name).toBe("octocat/repo-a-0");
		expect(source.renewals).toEqual([refused]);
		expect(await githubRequests(standIn().baseUrl, refused)).toHaveLength(1);
		expect(await githubRequests(standIn().baseUrl, good)).toHaveLength(1);

		// A renewed token GitHub refuses too: the error comes back, with no third attempt.
		const alsoRefused = await mintGithubToken(standIn().baseUrl, "octocat", { fault: "unauthorized" });
		const twice = tokens(refused, alsoRefused);
		await expect(createGithubClient({ apiUrl: standIn().apiUrl, token: twice }).request("GET /user/orgs")).rejects.toMatchObject({
			status: 401,
		});
		expect(twice.renewals).toEqual([refused]);
		expect(await githubRequests(standIn().baseUrl, alsoRefused)).toHaveLength(1);
	});

	it("says the grant's GitHub access ended when a 401 cannot be renewed", async () => {
		const refused = await mintGithubToken(standIn().baseUrl, "octocat", { fault: "unauthorized" });
		const error = await createGithubClient({ apiUrl: standIn().apiUrl, token: tokens(refused, null) })
			.request("GET /user/orgs")
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(GithubAccessEndedError);
		expect(describeGithubError(error, "list your repositories").text).toMatch(/no longer accepts this connection's sign-in/);
	});
});
