/**
 * Regression: when GitHub's answer was cut off after its headers (the client's timeout fired while
 * the body was on its way, or the connection broke), the GitHub client returned a successful
 * answer whose data was "" or a fragment. Octokit reads the body after the headers and, when that
 * read fails, returns the text it got instead of an error. Tools then failed output validation
 * (get_repo), crashed ("failed unexpectedly") or reported "Created issue #undefined", and the
 * response cache kept "" under the real ETag, so every later 304 served "" again. Found by the
 * load-and-fault run (test/load/), with a GitHub answering near the Worker's 15 s timeout.
 */
import { describe, expect, it } from "vitest";
import { type CachedResponse, createGithubClient, describeGithubError, type ResponseCache } from "../../src/github/client";
import { githubWrites, mintGithubToken, type StandInFault } from "../support/standin";
import { standIn } from "./harness";

/** A client for a stand-in token with `fault`, a short timeout, and a cache that records what it is given. */
async function clientWith(fault: StandInFault) {
	const token = await mintGithubToken(standIn().baseUrl, "octocat", { fault });
	const cached: [string, CachedResponse][] = [];
	const cache: ResponseCache = { get: async () => null, set: async (url, entry) => void cached.push([url, entry]) };
	const github = createGithubClient({
		apiUrl: standIn().apiUrl,
		token: { current: async () => token, renewAfterUnauthorized: async () => null },
		cache,
		timeoutMs: 500,
	});
	return { github, cached };
}

const failure = (promise: Promise<unknown>) =>
	promise.then(
		(response) => {
			throw new Error(`resolved with ${JSON.stringify((response as { data?: unknown }).data)}`);
		},
		(error: unknown) => error,
	);

describe("the GitHub client: an answer cut off after its headers", () => {
	it("is a timeout when the body comes too late, never an empty answer, and nothing is cached", async () => {
		const { github, cached } = await clientWith("slow_body");
		const error = await failure(github.request("GET /repos/{owner}/{repo}", { owner: "octocat", repo: "repo-a-0" }));
		const described = describeGithubError(error, "read octocat/repo-a-0");
		expect(described.text).toContain("GitHub did not answer in time");
		expect(described.status).toBe("failed");
		expect(cached).toEqual([]);
	});

	it("is a failure when the connection breaks in the body; a write's outcome is unknown although GitHub did it", async () => {
		const { github } = await clientWith("cut_body");
		const repo = `scratch-cut-off-${Math.random().toString(36).slice(2, 8)}`;
		const error = await failure(github.request("POST /repos/{owner}/{repo}/issues", { owner: "octocat", repo, title: "Cut off" }));
		const described = describeGithubError(error, "create an issue", { write: true });
		expect(described.status).toBe("unknown");
		expect(described.text).toContain("GitHub's answer was cut off");
		expect(described.text).toContain("this server does not retry writes");
		// GitHub carried it out, once: "unknown" was the truth the client could know.
		expect(await githubWrites(standIn().baseUrl, `octocat/${repo}`)).toEqual([expect.objectContaining({ method: "POST", status: 201 })]);
	});
});
