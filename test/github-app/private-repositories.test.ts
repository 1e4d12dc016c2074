/**
 * Private repositories need the github:private scope, in GitHub App mode too. A GitHub App's user
 * token reads every repository of the app's installations whatever the MCP scopes (the app's
 * permissions are the app's, not the token's), so GitHub cannot keep a connection that was not
 * granted private repositories to public ones: this server does. The stand-in's app is installed
 * on octocat's account, whose every fourth repository is private (octocat/repo-d-21 is).
 */
import { describe, expect, it } from "vitest";
import { githubRequests } from "../support/standin";
import { createAppUser } from "../support/standin-app";
import { acceptAsShown, connect, flow, grantPropsOf, LANES, type Lane, standIn, type TestClient } from "../worker/harness";

const PRIVATE = { owner: "octocat", repo: "repo-d-21" };
const PUBLIC = { owner: "octocat", repo: "repo-a-0" };

function text(result: { content?: unknown }): string {
	return ((result.content ?? []) as { type: string; text?: string }[]).map((part) => part.text ?? "").join("\n");
}

async function connection(lane: Lane, scopes: string[], login?: string) {
	const user = login ?? (await createAppUser(standIn().baseUrl)).login;
	const signedIn = await flow.signIn({ login: user, scopes });
	const client = await connect(lane, signedIn.accessToken, { elicit: acceptAsShown });
	return { signedIn, client };
}

async function listedRepositories(client: TestClient, visibility = "all") {
	const result = await client.callTool({ name: "list_repos", arguments: { visibility, per_page: 100 } });
	return { result, repositories: (result.structuredContent?.repositories ?? []) as { full_name: string; private: boolean }[] };
}

describe.each(LANES)("private repositories in GitHub App mode (%s lane)", (lane: Lane) => {
	it("regression: a connection without github:private read private repositories through the app's installation", async () => {
		const { client, signedIn } = await connection(lane, ["github:write"]);
		try {
			const calls: [string, Record<string, unknown>][] = [
				["get_repo", PRIVATE],
				["get_file", { ...PRIVATE, path: "README.md" }],
				["list_issues", PRIVATE],
				["get_issue", { ...PRIVATE, number: 1 }],
				["create_issue", { ...PRIVATE, title: "Not granted" }],
			];
			for (const [name, args] of calls) {
				const result = await client.callTool({ name, arguments: args });
				expect(result.isError, name).toBe(true);
				expect(text(result), name).toContain(
					"octocat/repo-d-21 is a private repository, and this connection was not granted private repositories",
				);
			}
			// Only the visibility check reached the private repository, never a read of its content or a write.
			const githubToken = (await grantPropsOf(signedIn.accessToken))?.upstream.accessToken ?? "";
			const paths = (await githubRequests(standIn().baseUrl, githubToken)).map((request) => `${request.method} ${request.path}`);
			expect(new Set(paths.filter((path) => path.includes("repo-d-21")))).toEqual(new Set(["GET /repos/octocat/repo-d-21"]));

			// Public repositories work as before.
			expect((await client.callTool({ name: "get_repo", arguments: PUBLIC })).isError).toBeFalsy();
			expect((await client.callTool({ name: "list_issues", arguments: PUBLIC })).isError).toBeFalsy();
		} finally {
			await client.close();
		}
	});

	it("lists only public repositories without github:private, and all of them with it", async () => {
		const readOnly = await connection(lane, [], "octocat");
		try {
			const { repositories } = await listedRepositories(readOnly.client);
			expect(repositories.length).toBeGreaterThan(0);
			expect(repositories.filter((repository) => repository.private)).toEqual([]);
			const asked = await listedRepositories(readOnly.client, "private");
			expect(asked.result.isError).toBe(true);
			expect(text(asked.result)).toContain("not granted private repositories");
		} finally {
			await readOnly.client.close();
		}

		const withPrivate = await connection(lane, ["github:private"], "octocat");
		try {
			const { repositories } = await listedRepositories(withPrivate.client);
			expect(repositories.some((repository) => repository.private)).toBe(true);
			expect((await withPrivate.client.callTool({ name: "get_repo", arguments: PRIVATE })).structuredContent).toMatchObject({
				private: true,
			});
		} finally {
			await withPrivate.client.close();
		}
	});

	it("keeps a token narrowed to github:read at a refresh away from private repositories", async () => {
		const { client, signedIn } = await connection(lane, ["github:private"]);
		await client.close();
		const narrowed = await flow.refresh(signedIn.clientId, signedIn.refreshToken, { scope: "github:read" });
		expect(narrowed.status).toBe(200);
		const token = ((await narrowed.json()) as { access_token: string }).access_token;
		const again = await connect(lane, token);
		try {
			const result = await again.callTool({ name: "get_repo", arguments: PRIVATE });
			expect(result.isError).toBe(true);
			expect(text(result)).toContain("not granted private repositories");
		} finally {
			await again.close();
		}
	});
});
