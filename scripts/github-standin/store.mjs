// @ts-check
/**
 * One stand-in's in-memory world: users (seeded, and created per test), repositories (seeded,
 * and `scratch-…` ones that exist on first access), issues and comments, the GitHub App's
 * installations, and the logs tests read back. Nothing here is shared between instances.
 *
 * Isolation for tests that run in parallel: a test that writes uses its own scratch repository,
 * and a test that needs particular organisations creates its own user. Scratch repositories are
 * reachable by name (and by `repo:` in search) but never listed in /user/repos or unqualified
 * search, so creating one never changes what another test sees.
 */

import { githubTime } from "./http.mjs";
import {
	DEFAULT_INSTALLATIONS,
	SEED_COMMENTS,
	SEED_FILES,
	SEED_ISSUE_REPO,
	SEED_ISSUES,
	SEED_TAG,
	SEED_TAG_README,
	SEED_USERS,
	seedRepos,
} from "./seed.mjs";

/** @typedef {import("./seed.mjs").User} User */
/** @typedef {import("./seed.mjs").Repo} Repo */
/** @typedef {import("./seed.mjs").Issue} Issue */
/** @typedef {import("./seed.mjs").Comment} Comment */
/** @typedef {{ method: string, path: string, status: number, conditional: boolean, token: string, fault?: string }} RequestLogEntry */
/** @typedef {{ at: string, method: string, path: string, repo: string | null, status: number, fault: string | null, token: string }} WriteLogEntry */

/** GitHub's rule for logins: letters, digits and single inner hyphens, at most 39 characters. */
export const LOGIN_SYNTAX = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** @param {string} value */
const lower = (value) => value.toLowerCase();

/** @param {{ installations?: readonly string[] }} [options] */
export function createStore(options = {}) {
	/** @type {User[]} */
	const users = SEED_USERS.map((user) => structuredClone(user));
	const repos = seedRepos();
	/** Scratch repositories by lower-cased full name, created on first access. @type {Map<string, Repo>} */
	const scratchRepos = new Map();
	/** Issues (and pull requests, as GitHub lists them) per repository full name; seeded lazily. @type {Map<string, Issue[]>} */
	const issues = new Map();
	/** Comments per issue id. @type {Map<number, Comment[]>} */
	const comments = new Map();
	/** Issues transferred away: where `owner/name#number` (lower-cased) is now. @type {Map<string, { repo: Repo, number: number }>} */
	const transferred = new Map();
	/** Organisation memberships changed through /_standin/orgs, per login. @type {Map<string, string[]>} */
	const memberships = new Map();
	/** Owners (lower-cased) whose accounts the GitHub App is installed on. */
	const installed = new Set((options.installations ?? DEFAULT_INSTALLATIONS).map(lower));
	/** Logins (lower-cased) for whom the token endpoint answers 502, as in a GitHub outage. */
	const tokenEndpointDown = new Set();
	/** Issue ids are unique across repositories, as on GitHub (comments are keyed by them). */
	let nextIssueId = 5_000_001;
	let nextUserId = 1_000_001;
	let nextRepoId = 200_000;

	const store = {
		/** Set once the server listens: links in responses point at it. */
		baseUrl: "",
		users,
		/** The seeded repositories (octocat's), the ones listings and unqualified search see. */
		repos,
		/** Every API request answered (or dropped by a fault), for conditional-request and fault tests. @type {RequestLogEntry[]} */
		requestLog: [],
		/** Every write (POST, PATCH, PUT, DELETE) that reached the REST API, faulted or not. @type {WriteLogEntry[]} */
		writeLog: [],
		/** Every credential presented to the API, so tests can prove which tokens reached "GitHub". @type {string[]} */
		presentedTokens: [],

		/** @param {string | undefined} login */
		findUser(login) {
			if (!login) return undefined;
			return users.find((user) => lower(user.login) === lower(login));
		},

		/**
		 * A new user with a unique id and login, for one test.
		 * @param {{ login?: unknown, name?: unknown, orgs?: unknown }} input
		 * @returns {{ user: User } | { status: number, message: string }}
		 */
		createUser(input) {
			const id = nextUserId++;
			const login = input.login === undefined ? `standin-user-${id}` : input.login;
			if (typeof login !== "string" || !LOGIN_SYNTAX.test(login)) {
				return { status: 400, message: "login must be a GitHub login: letters, digits and inner hyphens, at most 39 characters" };
			}
			if (store.findUser(login)) return { status: 409, message: `a user ${login} exists already` };
			if (input.name !== undefined && input.name !== null && typeof input.name !== "string") {
				return { status: 400, message: "name must be a string or null" };
			}
			if (input.orgs !== undefined && !(Array.isArray(input.orgs) && input.orgs.every((org) => typeof org === "string"))) {
				return { status: 400, message: "orgs must be a list of organisation logins" };
			}
			/** @type {User} */
			const user = {
				id,
				login,
				name: input.name ?? null,
				publicEmail: null,
				emails: [{ email: `${lower(login)}@users.standin.test`, primary: true, verified: true, visibility: "private" }],
				orgs: input.orgs ?? [],
			};
			users.push(user);
			return { user };
		},

		/** @param {User} user */
		orgsOf: (user) => memberships.get(user.login) ?? user.orgs ?? [],

		/** @param {User} user @param {string[]} orgs */
		setOrgs(user, orgs) {
			memberships.set(user.login, orgs);
		},

		/**
		 * The repository `owner/name`, if it exists. A `scratch-…` name under an existing user
		 * exists from its first access on: public, no issues, the seed file tree.
		 * @param {string} owner @param {string} name @returns {Repo | undefined}
		 */
		findRepo(owner, name) {
			const fullName = lower(`${owner}/${name}`);
			const seeded = repos.find((repo) => lower(repo.full_name) === fullName);
			if (seeded) return seeded;
			const scratch = scratchRepos.get(fullName);
			if (scratch) return scratch;
			const user = store.findUser(owner);
			if (!user || !/^scratch-/i.test(name)) return undefined;
			const created = githubTime();
			const id = nextRepoId++;
			/** @type {Repo} */
			const repo = {
				id,
				node_id: `R_kgDO${id}`,
				name,
				full_name: `${user.login}/${name}`,
				private: false,
				visibility: "public",
				owner: { login: user.login, id: user.id, type: "User" },
				description: null,
				fork: false,
				archived: false,
				language: null,
				default_branch: "main",
				stargazers_count: 0,
				watchers_count: 0,
				forks_count: 0,
				open_issues_count: 0,
				created_at: created,
				updated_at: created,
				pushed_at: created,
			};
			scratchRepos.set(fullName, repo);
			return repo;
		},

		/** A repository by its id, as GitHub's /repositories/{id} finds it. @param {number} id @returns {Repo | undefined} */
		findRepoById: (id) => repos.find((repo) => repo.id === id) ?? [...scratchRepos.values()].find((repo) => repo.id === id),

		/** @param {Repo} repo @param {boolean} value */
		setPrivate(repo, value) {
			repo.private = value;
			repo.visibility = value ? "private" : "public";
		},

		/**
		 * Moves an issue to another repository, as GitHub's "Transfer issue" does: it gets the next
		 * number there, and the old address answers with a redirect to the new one.
		 * @param {Repo} from @param {number} number @param {Repo} to @returns {Issue | undefined}
		 */
		transferIssue(from, number, to) {
			const list = store.issuesOf(from);
			const index = list.findIndex((issue) => issue.number === number);
			const issue = list[index];
			if (!issue) return undefined;
			list.splice(index, 1);
			const target = store.issuesOf(to);
			const moved = makeIssue(to.full_name, target.length + 1, {
				title: issue.title,
				body: issue.body,
				user: /** @type {User} */ (/** @type {unknown} */ (issue.user)),
				created: issue.created_at,
			});
			target.push(moved);
			transferred.set(lower(`${from.full_name}#${number}`), { repo: to, number: moved.number });
			return moved;
		},

		/** Where a transferred issue is now. @param {Repo} from @param {number} number */
		transferredTo: (from, number) => transferred.get(lower(`${from.full_name}#${number}`)),

		/** The seeded repositories `login` owns (scratch ones are never listed). @param {string} login */
		ownedRepos: (login) => repos.filter((repo) => lower(repo.owner.login) === lower(login)),

		/** @param {string} owner */
		isInstalled: (owner) => installed.has(lower(owner)),

		/** @param {string} owner @param {boolean} value */
		setInstalled(owner, value) {
			if (value) installed.add(lower(owner));
			else installed.delete(lower(owner));
		},

		installations: () => [...installed].sort(),

		/** Whether the token endpoint is down for `login` (POST /_standin/token-endpoint). @param {string | undefined} login */
		isTokenEndpointDown: (login) => login !== undefined && tokenEndpointDown.has(lower(login)),

		/** @param {string} login @param {boolean} down */
		setTokenEndpointDown(login, down) {
			if (down) tokenEndpointDown.add(lower(login));
			else tokenEndpointDown.delete(lower(login));
		},

		/** The issues of a repository; octocat/repo-a-0 starts with a dozen (see SEED_ISSUES). @param {Repo} repo */
		issuesOf(repo) {
			let list = issues.get(repo.full_name);
			if (!list) {
				list = repo.full_name === SEED_ISSUE_REPO ? seedIssues(repo.full_name) : [];
				issues.set(repo.full_name, list);
			}
			return list;
		},

		/** @param {Repo} repo @param {number} number */
		findIssue: (repo, number) => store.issuesOf(repo).find((issue) => issue.number === number),

		/** @param {Repo} repo @param {{ title: string, body: string | null, user: User }} fields */
		createIssue(repo, { title, body, user }) {
			const list = store.issuesOf(repo);
			const issue = makeIssue(repo.full_name, list.length + 1, { title, body, user, created: githubTime() });
			list.push(issue);
			return issue;
		},

		/** @param {Issue} issue */
		commentsOf(issue) {
			let list = comments.get(issue.id);
			if (!list) {
				list = [];
				comments.set(issue.id, list);
			}
			return list;
		},

		/** @param {Issue} issue @param {User} user @param {string} body */
		addComment(issue, user, body) {
			const list = store.commentsOf(issue);
			const id = 7000000 + list.length + 1 + issue.number * 100;
			/** @type {Comment} */
			const comment = {
				id,
				body,
				user: { login: user.login, id: user.id },
				created_at: githubTime(),
				html_url: `${issue.html_url}#issuecomment-${id}`,
			};
			list.push(comment);
			issue.comments = list.length;
			return comment;
		},

		/** The files of a repository at a ref: every repository has the same small tree. @param {string} ref */
		filesOf(ref) {
			const files = new Map(SEED_FILES);
			if (ref === SEED_TAG) files.set("README.md", SEED_TAG_README);
			return files;
		},
	};

	/**
	 * @param {string} repoName @param {number} number
	 * @param {{ title: string, body: string | null, user: User, created: string, state?: string, labels?: string[], pull?: boolean }} fields
	 * @returns {Issue}
	 */
	function makeIssue(repoName, number, { title, body, user, created, state = "open", labels = [], pull = false }) {
		const html = `${store.baseUrl}/${repoName}/${pull ? "pull" : "issues"}/${number}`;
		return {
			id: nextIssueId++,
			number,
			title,
			body,
			state,
			locked: false,
			user: { login: user.login, id: user.id },
			labels: labels.map((name, index) => ({ id: 800 + index, name, color: "d73a4a" })),
			assignees: [],
			comments: 0,
			created_at: created,
			updated_at: created,
			closed_at: state === "closed" ? created : null,
			html_url: html,
			...(pull ? { pull_request: { url: `${store.baseUrl}/api/v3/repos/${repoName}/pulls/${number}`, html_url: html } } : {}),
		};
	}

	/** @param {string} repoName */
	function seedIssues(repoName) {
		const list = SEED_ISSUES.map((seed, index) => {
			const user = store.findUser(seed.author) ?? /** @type {User} */ (users[0]);
			const created = githubTime(Date.UTC(2025, 0, 1 + index * 3));
			return makeIssue(repoName, index + 1, { ...seed, user, created });
		});
		for (const issue of list) {
			const seeded = SEED_COMMENTS[issue.number] ?? [];
			comments.set(
				issue.id,
				seeded.map((text, index) => ({
					id: 7000000 + issue.number * 100 + index,
					body: text,
					user: { login: index % 2 ? "hubot" : "octocat", id: index % 2 ? 480938 : 583231 },
					created_at: githubTime(Date.UTC(2025, 1, issue.number, index)),
					html_url: `${issue.html_url}#issuecomment-${7000000 + issue.number * 100 + index}`,
				})),
			);
			issue.comments = seeded.length;
		}
		return list;
	}

	return store;
}

/** @typedef {ReturnType<typeof createStore>} Store */
