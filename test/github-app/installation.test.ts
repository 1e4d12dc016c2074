/**
 * A GitHub App sees only the repositories of the accounts it is installed on; anything else is a
 * 404 from GitHub. In GitHub App mode every repository tool then says that the app may not be
 * installed there and links to the app's installation page, in both lanes, and that page is where
 * the fix is.
 */
import { describe, expect, it } from "vitest";
import { createStandInUser } from "../support/standin";
import { createAppUser } from "../support/standin-app";
import { acceptAsShown, connect, flow, LANES, type Lane, standIn, type TestClient } from "../worker/harness";

const installationUrl = () => `${standIn().baseUrl}/apps/${standIn().appSlug}/installations/new`;

function text(result: { content?: unknown }): string {
	return ((result.content ?? []) as { type: string; text?: string }[]).map((part) => part.text ?? "").join("\n");
}

/** Each repository tool, called on `owner/repo`. */
const REPOSITORY_CALLS: [string, (owner: string, repo: string) => Record<string, unknown>][] = [
	["get_repo", (owner, repo) => ({ owner, repo })],
	["list_issues", (owner, repo) => ({ owner, repo })],
	["get_issue", (owner, repo) => ({ owner, repo, number: 1 })],
	["get_file", (owner, repo) => ({ owner, repo, path: "README.md" })],
	["create_issue", (owner, repo) => ({ owner, repo, title: "Where the app is not installed" })],
	["add_issue_comment", (owner, repo) => ({ owner, repo, number: 1, body: "Where the app is not installed" })],
];

async function signedInClient(lane: Lane): Promise<TestClient> {
	const user = await createAppUser(standIn().baseUrl);
	const signedIn = await flow.signIn({ login: user.login, scopes: ["github:private", "github:write"] });
	return connect(lane, signedIn.accessToken, { elicit: acceptAsShown });
}

describe.each(LANES)("a repository the GitHub App cannot see (%s lane)", (lane: Lane) => {
	it.each(REPOSITORY_CALLS)("%s says the app may not be installed there and links to its installation page", async (tool, args) => {
		// Another user's account, where the app is not installed: GitHub answers 404.
		const owner = (await createStandInUser(standIn().baseUrl)).login;
		const client = await signedInClient(lane);
		try {
			const result = await client.callTool({ name: tool, arguments: args(owner, "scratch-elsewhere") });
			expect(result.isError).toBe(true);
			expect(text(result)).toMatch(/not found/);
			expect(text(result)).toContain(
				`this server's GitHub App may not be installed on its account: install it or grant it the repository at ${installationUrl()}`,
			);
		} finally {
			await client.close();
		}
	});

	it("works once the app is installed on the account, from the page the error links to", async () => {
		const owner = (await createStandInUser(standIn().baseUrl)).login;
		const client = await signedInClient(lane);
		try {
			const args = { owner, repo: "scratch-elsewhere" };
			const refused = await client.callTool({ name: "get_repo", arguments: args });
			const link = /https?:\/\/\S+\/installations\/new/.exec(text(refused))?.[0] ?? "";
			expect(link).toBe(installationUrl());

			const installed = await fetch(link, {
				method: "POST",
				headers: { "Content-Type": "application/x-www-form-urlencoded" },
				body: new URLSearchParams({ owner }),
			});
			expect(installed.status).toBe(200);
			const result = await client.callTool({ name: "get_repo", arguments: args });
			expect(result.isError).toBeFalsy();
			expect(result.structuredContent).toMatchObject({ full_name: `${owner}/scratch-elsewhere` });
		} finally {
			await client.close();
		}
	});
});
