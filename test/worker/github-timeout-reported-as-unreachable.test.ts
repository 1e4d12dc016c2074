/**
 * Regression: a GitHub that did not answer within the client's timeout was reported as "GitHub
 * could not be reached". Octokit wraps the fetch's TimeoutError in a RequestError (status 500, no
 * response, the TimeoutError as its cause), and describeGithubError looked only at the outer
 * error's name. Found by the load-and-fault run (test/load/), where a slow GitHub's timeouts all
 * showed up as connection failures. A write's status was right ("unknown") either way.
 */
import { describe, expect, it } from "vitest";
import { createGithubClient, describeGithubError } from "../../src/github/client";
import { mintGithubToken } from "../support/standin";
import { standIn } from "./harness";

/** A request to a stand-in token that never gets an answer, with a short timeout: what it throws. */
async function timedOutRequest(method: "GET" | "POST"): Promise<unknown> {
	const token = await mintGithubToken(standIn().baseUrl, "octocat", { fault: "hang" });
	const github = createGithubClient({
		apiUrl: standIn().apiUrl,
		token: { current: async () => token, renewAfterUnauthorized: async () => null },
		timeoutMs: 300,
	});
	const route = method === "GET" ? "GET /repos/{owner}/{repo}" : "POST /repos/{owner}/{repo}/issues";
	return github.request(route, { owner: "octocat", repo: "scratch-timeout-regression", title: "never sent" }).then(
		() => {
			throw new Error("the request was answered");
		},
		(error: unknown) => error,
	);
}

describe("describeGithubError: a GitHub timeout", () => {
	it("reports a read that timed out as a timeout, not as GitHub being unreachable", async () => {
		const described = describeGithubError(await timedOutRequest("GET"), "read the repository");
		expect(described.text).toContain("GitHub did not answer in time");
		expect(described.text).not.toContain("could not be reached");
		expect(described.status).toBe("failed");
	});

	it("reports a write that timed out as a timeout whose outcome is unknown", async () => {
		const described = describeGithubError(await timedOutRequest("POST"), "create an issue", { write: true });
		expect(described.text).toContain("GitHub did not answer in time");
		expect(described.status).toBe("unknown");
	});
});
