/**
 * The issue resource template (github://repos/{owner}/{repo}/issues/{number}) over both lanes,
 * against the GitHub stand-in: an issue with its comments as Markdown, URIs that name no issue (or
 * try to leave the repository's issue endpoints) refused with a clear error, GitHub's rate limit.
 */
import { describe, expect, it } from "vitest";
import { clearStandInFaults, githubRequests, mintGithubToken, setStandInFaults } from "../support/standin";
import { grantProps, OCTOCAT } from "../support/users";
import { connect, issueToken, LANES, newUser, standIn, userProps } from "./harness";

describe.each(LANES)("the issue resource template (%s lane)", (lane) => {
	it("reads an issue with its comments as Markdown", async () => {
		const client = await connect(lane, await issueToken(await userProps()));
		const { contents } = await client.readResource({ uri: "github://repos/octocat/repo-a-0/issues/1" });
		await client.close();
		expect(contents).toHaveLength(1);
		expect(contents[0]).toMatchObject({ uri: "github://repos/octocat/repo-a-0/issues/1", mimeType: "text/markdown" });
		const text = contents[0]?.text ?? "";
		expect(text).toContain("# Crash when the config file is empty (octocat/repo-a-0#1, open)");
		expect(text).toContain("A fix is on the way");
	});

	it.each([
		["github://repos/octocat/repo-a-0/issues/999", /not found/],
		["github://repos/octocat/no-such-repo/issues/1", /not found/],
		["github://repos/octocat/repo-a-0/issues/0", /positive issue number/],
		// URI parsing resolves dot segments first, so these name no issue at all.
		["github://repos/../repo-a-0/issues/1", /not found/i],
		["github://repos/octocat/%2e%2e/issues/1", /not found/i],
		["github://repos/octo.cat/repo-a-0/issues/1", /github:\/\/repos\/\{owner\}\/\{repo\}\/issues\/\{number\} with a GitHub repository/],
	])("refuses %s with a clear error", async (uri, message) => {
		const githubToken = await mintGithubToken(standIn().baseUrl, "octocat");
		const client = await connect(lane, await issueToken(grantProps(OCTOCAT, { accessToken: githubToken, scopes: ["repo"] })));
		await expect(client.readResource({ uri })).rejects.toThrow(message);
		await client.close();
		// Nothing outside the repository's issue endpoints was asked for.
		const requests = (await githubRequests(standIn().baseUrl, githubToken)).filter((request) => !request.path.startsWith("/user/orgs"));
		for (const request of requests) expect(request.path).toMatch(/^\/repos\/octocat\/[a-z0-9-]+\/issues\/\d+(\/comments)?(\?|$)/);
	});

	it("reports GitHub's rate limit", async () => {
		const user = await newUser();
		const client = await connect(lane, await issueToken(await userProps(user)));
		await setStandInFaults(standIn().baseUrl, user.login, { rateLimitRate: 1, seed: 1 });
		try {
			await expect(client.readResource({ uri: `github://repos/${user.login}/scratch-resource/issues/1` })).rejects.toThrow(/rate limit/);
		} finally {
			await clearStandInFaults(standIn().baseUrl, user.login);
			await client.close();
		}
	});
});
