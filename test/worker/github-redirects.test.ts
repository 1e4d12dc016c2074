/**
 * src/github/client.ts and GitHub's redirects (a transferred issue answers at its old address with
 * a redirect to /repositories/{id}/issues/{number}), and the searches of a connection kept to
 * public repositories. A write never follows a redirect (fetch would send it again at the new
 * place, or turn it into a GET and let it look done); a connection without github:private follows
 * a read's redirect only after checking the repository it leads to; its searches cannot use the
 * operators that would undo `is:public`.
 */
import { describe, expect, it } from "vitest";
import {
	createGithubClient,
	describeGithubError,
	GithubRedirectError,
	PrivateRepositoryError,
	type TokenSource,
	UnsafeSearchQueryError,
} from "../../src/github/client";
import { createStandInUser, githubRequests, mintGithubToken, standInWrites, transferStandInIssue } from "../support/standin";
import { standIn } from "./harness";

const fixed = (token: string): TokenSource => ({ current: async () => token, renewAfterUnauthorized: async () => null });

/** A user whose token reads private repositories, and an issue of theirs moved from a public repository to another. */
async function movedIssue(options: { toPrivate: boolean }) {
	const user = await createStandInUser(standIn().baseUrl);
	const token = await mintGithubToken(standIn().baseUrl, user.login, { scopes: ["repo"] });
	const full = createGithubClient({ apiUrl: standIn().apiUrl, token: fixed(token) });
	const from = { owner: user.login, repo: "scratch-moved-from" };
	const { data: created } = await full.request("POST /repos/{owner}/{repo}/issues", { ...from, title: "Security report" });
	const moved = await transferStandInIssue(standIn().baseUrl, {
		...from,
		number: created.number,
		toOwner: user.login,
		toRepo: "scratch-moved-to",
		toPrivate: options.toPrivate,
	});
	return { user, token, full, from, number: created.number, moved };
}

describe("a transferred issue", () => {
	it("is not followed into a private repository by a connection kept to public ones, and nothing of it is read", async () => {
		const { token, from, number, moved } = await movedIssue({ toPrivate: true });
		const publicOnly = createGithubClient({ apiUrl: standIn().apiUrl, token: fixed(token), publicRepositoriesOnly: true });
		for (const route of [
			"GET /repos/{owner}/{repo}/issues/{issue_number}",
			"GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
		] as const) {
			const error = await publicOnly.request(route, { ...from, issue_number: number }).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(PrivateRepositoryError);
			expect(describeGithubError(error, "read the issue").status).toBe("refused");
		}
		// The repository it leads to was asked about; the issue there never was.
		const paths = (await githubRequests(standIn().baseUrl, token)).map((request) => request.path);
		expect(paths).toContain(`/repositories/${moved.repositoryId}`);
		expect(paths.some((path) => path.startsWith(`/repositories/${moved.repositoryId}/`))).toBe(false);
	});

	it("is followed into a public repository by a connection kept to public ones, and read by a connection that may see everything", async () => {
		const publicMove = await movedIssue({ toPrivate: false });
		const publicOnly = createGithubClient({ apiUrl: standIn().apiUrl, token: fixed(publicMove.token), publicRepositoriesOnly: true });
		const { data } = await publicOnly.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
			...publicMove.from,
			issue_number: publicMove.number,
		});
		expect(data).toMatchObject({ number: publicMove.moved.number, title: "Security report" });

		const privateMove = await movedIssue({ toPrivate: true });
		const { data: read } = await privateMove.full.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
			...privateMove.from,
			issue_number: privateMove.number,
		});
		expect(read).toMatchObject({ number: privateMove.moved.number, title: "Security report" });
	});

	it.each([
		["a connection that may see everything", false, false],
		["a connection kept to public ones, to a public repository", true, false],
		["a connection kept to public ones, to a private repository", true, true],
	])(
		"gets no write from %s: the comment is not sent where the issue went, and the answer says nothing was written",
		async (_label, publicRepositoriesOnly, toPrivate) => {
			const { token, full, from, number, moved } = await movedIssue({ toPrivate });
			const github = createGithubClient({ apiUrl: standIn().apiUrl, token: fixed(token), publicRepositoriesOnly });
			const error = await github
				.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...from, issue_number: number, body: "hello" })
				.catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(GithubRedirectError);
			const described = describeGithubError(error, "comment on the issue", { write: true });
			expect(described.status).not.toBe("unknown");
			expect(described.text).toMatch(/Nothing was (written|sent)/);
			expect((await standInWrites(standIn().baseUrl, token)).filter((write) => write.status >= 200 && write.status < 300)).toHaveLength(1); // the issue's creation only
			const { data: comments } = await full.request(`GET /repositories/${moved.repositoryId}/issues/${moved.number}/comments`);
			expect(comments).toEqual([]);
		},
	);
});

describe("the issue searches of a connection kept to public repositories", () => {
	it.each([
		"is:private OR is:private",
		"is:private or is:private",
		"crash AND is:private",
		"NOT is:public",
		"(is:private)",
		"x\tOR\tis:private",
		"x\u00a0OR\u00a0is:private",
		'"quoted" OR is:private',
	])("refuses %j without sending it", async (query) => {
		const user = await createStandInUser(standIn().baseUrl);
		const token = await mintGithubToken(standIn().baseUrl, user.login, { scopes: ["repo"] });
		const publicOnly = createGithubClient({ apiUrl: standIn().apiUrl, token: fixed(token), publicRepositoriesOnly: true });
		const error = await publicOnly.request("GET /search/issues", { q: query }).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UnsafeSearchQueryError);
		expect(describeGithubError(error, "search issues")).toMatchObject({
			status: "refused",
			text: expect.stringMatching(/Nothing was sent to GitHub/),
		});
		expect(await githubRequests(standIn().baseUrl, token)).toHaveLength(0);
	});

	it("sends a plain query with is:public added, and leaves the query of a connection that may see everything as it is", async () => {
		const user = await createStandInUser(standIn().baseUrl);
		const token = await mintGithubToken(standIn().baseUrl, user.login, { scopes: ["repo"] });
		await createGithubClient({ apiUrl: standIn().apiUrl, token: fixed(token), publicRepositoriesOnly: true }).request(
			"GET /search/issues",
			{
				q: "crash is:open",
			},
		);
		await createGithubClient({ apiUrl: standIn().apiUrl, token: fixed(token) }).request("GET /search/issues", { q: "crash OR hang" });
		const queries = (await githubRequests(standIn().baseUrl, token)).map((request) =>
			new URL(request.path, "http://x").searchParams.get("q"),
		);
		expect(queries).toEqual(["crash is:open is:public", "crash OR hang"]);
	});
});
