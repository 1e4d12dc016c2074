// @ts-check
/**
 * The stand-in's fixed seed data: users, octocat's repositories, the issues and comments of
 * octocat/repo-a-0 and the small file tree every repository serves. Fixed, so tests can rely on
 * it; each stand-in instance copies what it changes (see store.mjs).
 */

/** @typedef {{ id: number, login: string, name: string | null, publicEmail: string | null, emails: { email: string, primary: boolean, verified: boolean, visibility: string | null }[], orgs?: string[], fault?: "exchange" | "user" }} User */
/** @typedef {ReturnType<typeof seedRepos>[number]} Repo */

export const DOCS = "https://docs.github.com/rest";

/** GitHub's lifetimes for a GitHub App's user access token (8 hours) and refresh token (6 months). */
export const APP_ACCESS_TOKEN_TTL_SECONDS = 28_800;
export const APP_REFRESH_TOKEN_TTL_SECONDS = 15_897_600;

/**
 * The OAuth App and the GitHub App the stand-in knows, unless options name others. A GitHub App
 * also has a slug, its URL name: its installation page is /apps/<slug>/installations/new.
 */
export const DEFAULT_CLIENTS = {
	oauth: { clientId: "standin-client-id", clientSecret: "standin-client-secret" },
	app: { clientId: "Iv23liDevAppstandin", clientSecret: "standin-app-client-secret", slug: "standin-dev-app" },
};

/** Owners whose accounts the GitHub App is installed on at start. */
export const DEFAULT_INSTALLATIONS = ["octocat"];

/** @type {User[]} */
export const SEED_USERS = [
	{
		id: 583231,
		login: "octocat",
		name: "The Octocat",
		publicEmail: null,
		emails: [{ email: "octocat@github.com", primary: true, verified: true, visibility: "private" }],
		orgs: ["github", "octo-org"],
	},
	{
		id: 480938,
		login: "hubot",
		name: null,
		publicEmail: null,
		emails: [{ email: "hubot@example.com", primary: true, verified: false, visibility: null }],
	},
	// Signing in as this user makes GitHub's token endpoint fail (GitHub down).
	{ id: 900001, login: "fault-exchange", name: "Token endpoint fails", publicEmail: null, emails: [], fault: "exchange" },
	// Signing in as this user works, but GET /user fails.
	{ id: 900002, login: "fault-user", name: "User API fails", publicEmail: null, emails: [], fault: "user" },
];

const LANGUAGES = ["TypeScript", "Go", "Rust", "Python", null];

/** @typedef {{ id: number, number: number, title: string, body: string | null, state: string, locked: boolean, user: { login: string, id: number }, labels: { id: number, name: string, color: string }[], assignees: unknown[], comments: number, created_at: string, updated_at: string, closed_at: string | null, html_url: string, pull_request?: { url: string, html_url: string } }} Issue */
/** @typedef {{ id: number, body: string, user: { login: string, id: number }, created_at: string, html_url: string }} Comment */

/** The repository with seeded issues and comments. */
export const SEED_ISSUE_REPO = "octocat/repo-a-0";

/** @type {{ title: string, body: string | null, author: string, state?: string, labels?: string[], pull?: boolean }[]} */
export const SEED_ISSUES = [
	{
		title: "Crash when the config file is empty",
		body: "Steps: create an empty config and run `sample start`. It throws a TypeError.",
		author: "hubot",
		labels: ["bug"],
	},
	{ title: "Add a dark theme", body: "Many users asked for a dark theme.", author: "octocat", labels: ["enhancement"] },
	{ title: "Typo in README", body: "'recieve' should be 'receive'.", author: "hubot", labels: ["documentation"], state: "closed" },
	{ title: "Support Node 22", body: null, author: "octocat", labels: ["enhancement"] },
	{ title: "Fix flaky login test", body: "The login test fails one run in ten.", author: "octocat", labels: ["bug", "tests"], pull: true },
	{ title: "Memory leak in the watcher", body: "RSS grows by 10 MB an hour with the watcher on.", author: "hubot", labels: ["bug"] },
	{ title: "Document the plugin API", body: "There is no page about plugins.", author: "octocat", labels: ["documentation"] },
	{
		title: "Old crash on Windows paths",
		body: "Backslashes in paths crash the parser.",
		author: "hubot",
		labels: ["bug"],
		state: "closed",
	},
	{ title: "Add an --output flag", body: "So results can be written to a file.", author: "octocat", labels: ["enhancement"] },
	{ title: "Upgrade dependencies", body: null, author: "octocat", labels: [], pull: true },
	{ title: "Crash when the network is down", body: "An unhandled rejection ends the process.", author: "hubot", labels: ["bug"] },
	{ title: "Question: how to configure the port?", body: "Is there a setting for the port?", author: "hubot", labels: ["question"] },
];

/** @type {Record<number, string[]>} */
export const SEED_COMMENTS = {
	1: ["I can reproduce this on main.", "A fix is on the way: the parser should treat an empty file as {}."],
	6: ["Heap snapshot attached: the watcher keeps every event."],
	12: ["Use the PORT environment variable."],
};

/** The same small tree in every repository. @type {[string, Buffer][]} */
export const SEED_FILES = [
	["README.md", Buffer.from("# Sample\n\nA sample repository served by the GitHub development stand-in.\n")],
	["src/index.ts", Buffer.from("export function greet(name: string): string {\n\treturn 'Hello, ' + name + '!';\n}\n")],
	["src/util/math.ts", Buffer.from("export const add = (a: number, b: number) => a + b;\n")],
	["docs/large.txt", Buffer.from("All work and no play makes Jack a dull boy.\n".repeat(6000))],
	[
		"assets/logo.png",
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0xff, 0x10, 0x00]),
	],
];

/** octocat's 35 repositories: distinct names and dates, every fourth private. */
export function seedRepos() {
	const base = Date.UTC(2024, 0, 1);
	const day = 24 * 60 * 60 * 1000;
	return Array.from({ length: 35 }, (_, index) => {
		const name = `repo-${String.fromCharCode(97 + (index % 26))}${index >= 26 ? "2" : ""}-${(index * 7) % 35}`;
		const created = new Date(base + index * day);
		// Updates and pushes in an order unlike creation order, so sorts are distinguishable.
		const updated = new Date(base + 100 * day + ((index * 11) % 35) * day);
		const pushed = new Date(base + 200 * day + ((index * 13) % 35) * day);
		const isPrivate = index % 4 === 3;
		return {
			id: 100000 + index,
			node_id: `R_kgDO${100000 + index}`,
			name,
			full_name: `octocat/${name}`,
			private: isPrivate,
			visibility: isPrivate ? "private" : "public",
			owner: { login: "octocat", id: 583231, type: "User" },
			description: index % 5 === 0 ? null : `Sample repository number ${index + 1}`,
			fork: index % 9 === 8,
			archived: index % 17 === 16,
			language: LANGUAGES[index % LANGUAGES.length] ?? null,
			default_branch: "main",
			stargazers_count: (index * 37) % 101,
			watchers_count: (index * 37) % 101,
			forks_count: index % 6,
			open_issues_count: index % 4,
			created_at: created.toISOString().replace(".000", ""),
			updated_at: updated.toISOString().replace(".000", ""),
			pushed_at: pushed.toISOString().replace(".000", ""),
		};
	});
}

/** Every repository has this tag besides `main`, with a README of its own. */
export const SEED_TAG = "v1.0.0";
export const SEED_TAG_README = Buffer.from("# Sample\n\nThe v1.0.0 README.\n");
