// @ts-check
/**
 * The GitHub development stand-in: a small HTTP server on loopback that speaks GitHub's OAuth
 * web flow (/login/oauth/authorize, /login/oauth/access_token) and the REST endpoints the tools
 * use, under /api/v3 as on GitHub Enterprise Server. `npm start` uses it when no GitHub OAuth App
 * is configured, and the tests use it because GitHub is not reachable from CI.
 *
 * A development and test tool: never bundled into the Worker, which sees it only through
 * GITHUB_BASE_URL and GITHUB_API_URL. Node built-ins only; all state in memory, per instance.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";

/** @typedef {"unauthorized" | "forbidden" | "rate_limited" | "server_error"} Fault */
/** @typedef {{ id: number, login: string, name: string | null, publicEmail: string | null, emails: { email: string, primary: boolean, verified: boolean, visibility: string | null }[], orgs?: string[], fault?: "exchange" | "user" }} User */
/** @typedef {{ login: string, scopes: string[], fault?: Fault }} TokenRecord */
/** @typedef {{ clientId: string, redirectUri: string, scopes: string[], challenge: string | null, login: string, expiresAt: number }} CodeRecord */

const DOCS = "https://docs.github.com/rest";
const CODE_TTL_MS = 10 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Seed data. Fixed, so tests can rely on it.
// ---------------------------------------------------------------------------------------------

/** @type {User[]} */
const USERS = [
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
const SEED_ISSUE_REPO = "octocat/repo-a-0";

/** @type {{ title: string, body: string | null, author: string, state?: string, labels?: string[], pull?: boolean }[]} */
const SEED_ISSUES = [
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
const SEED_COMMENTS = {
	1: ["I can reproduce this on main.", "A fix is on the way: the parser should treat an empty file as {}."],
	6: ["Heap snapshot attached: the watcher keeps every event."],
	12: ["Use the PORT environment variable."],
};

/** The same small tree in every repository. @type {[string, Buffer][]} */
const SEED_FILES = [
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
function seedRepos() {
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

// ---------------------------------------------------------------------------------------------

/** @param {string} value */
const escapeHtml = (value) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** @param {Buffer} bytes */
const base64url = (bytes) => bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** @param {string} scope */
const splitScopes = (scope) => scope.split(/[\s,]+/).filter(Boolean);

/** @param {string} value */
function isHttpUrl(value) {
	try {
		const url = new URL(value);
		return url.protocol === "http:" || url.protocol === "https:";
	} catch {
		return false;
	}
}

/**
 * @param {{ port?: number, host?: string, clientId?: string, clientSecret?: string, log?: boolean }} [options]
 */
export async function startGithubStandIn(options = {}) {
	const { port = 0, host = "127.0.0.1", clientId = "standin-client-id", clientSecret = "standin-client-secret", log = false } = options;
	/** @type {Map<string, CodeRecord>} */
	const codes = new Map();
	/** @type {Map<string, TokenRecord>} */
	const tokens = new Map();
	/** Every credential presented to the API, so tests can prove which tokens reached "GitHub". */
	/** @type {string[]} */
	const presented = [];
	/** Issues (and pull requests, as GitHub lists them) per repository full name; seeded lazily. */
	/** @type {Map<string, Issue[]>} */
	const issues = new Map();
	/** Comments per issue id. */
	/** @type {Map<number, Comment[]>} */
	const comments = new Map();
	/** Every API request: method, path, status and whether it was conditional (for ETag tests). */
	/** @type {{ method: string, path: string, status: number, conditional: boolean, token: string }[]} */
	const requestLog = [];
	/** The request being answered: handlers are synchronous, so sendApi can read it. */
	/** @type {{ method: string, path: string, ifNoneMatch: string | undefined, token: string } | undefined} */
	let current;
	/** Issue ids are unique across repositories, as on GitHub (comments are keyed by them). */
	let nextIssueId = 5_000_001;
	/** Organisation memberships changed through /_standin/orgs, per login. */
	/** @type {Map<string, string[]>} */
	const memberships = new Map();
	const repos = seedRepos();
	const sockets = new Set();
	let baseUrl = "";

	/**
	 * @param {string} repoName @param {number} number
	 * @param {{ title: string, body: string | null, user: User, created: string, state?: string, labels?: string[], pull?: boolean }} fields
	 * @returns {Issue}
	 */
	function makeIssue(repoName, number, { title, body, user, created, state = "open", labels = [], pull = false }) {
		const html = `${baseUrl}/${repoName}/${pull ? "pull" : "issues"}/${number}`;
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
			...(pull ? { pull_request: { url: `${baseUrl}/api/v3/repos/${repoName}/pulls/${number}`, html_url: html } } : {}),
		};
	}

	/** The issues of a repository; octocat/repo-a-0 starts with a dozen (see SEED_ISSUES). @param {string} repoName */
	function issuesOf(repoName) {
		let list = issues.get(repoName);
		if (!list) {
			list = repoName === SEED_ISSUE_REPO ? seedIssues(repoName) : [];
			issues.set(repoName, list);
		}
		return list;
	}

	/** @param {string} repoName */
	function seedIssues(repoName) {
		const list = SEED_ISSUES.map((seed, index) => {
			const user = USERS.find((candidate) => candidate.login === seed.author) ?? USERS[0];
			const created = new Date(Date.UTC(2025, 0, 1 + index * 3)).toISOString().replace(".000", "");
			return makeIssue(repoName, index + 1, { ...seed, user: /** @type {User} */ (user), created });
		});
		for (const issue of list) {
			const seeded = SEED_COMMENTS[issue.number] ?? [];
			comments.set(
				issue.id,
				seeded.map((text, index) => ({
					id: 7000000 + issue.number * 100 + index,
					body: text,
					user: { login: index % 2 ? "hubot" : "octocat", id: index % 2 ? 480938 : 583231 },
					created_at: new Date(Date.UTC(2025, 1, issue.number, index)).toISOString().replace(".000", ""),
					html_url: `${issue.html_url}#issuecomment-${7000000 + issue.number * 100 + index}`,
				})),
			);
			issue.comments = seeded.length;
		}
		return list;
	}

	/** @param {Issue} issue */
	function commentsOf(issue) {
		let list = comments.get(issue.id);
		if (!list) {
			list = [];
			comments.set(issue.id, list);
		}
		return list;
	}

	/** The files of a repository at a ref (every repository has the same small tree). @param {string} _repo @param {string} ref */
	function filesOf(_repo, ref) {
		const files = new Map(SEED_FILES);
		if (ref === "v1.0.0") files.set("README.md", Buffer.from("# Sample\n\nThe v1.0.0 README.\n"));
		return files;
	}

	/** @param {import("node:http").ServerResponse} res @param {number} status @param {string} body */
	function sendHtml(res, status, body) {
		res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
		res.end(body);
	}

	/** @param {string} title @param {string} body */
	function page(title, body) {
		return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}.banner{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:.75rem 1rem}fieldset{border:1px solid #d1d9e0;border-radius:8px}button{font:inherit;padding:.5rem 1rem;margin-right:.5rem;min-height:44px}</style></head>
<body><p class="banner" role="note"><strong>GitHub development stand-in — this is not GitHub.</strong> It runs on your machine because no GitHub OAuth App is configured; its users are test accounts.</p>${body}</body></html>`;
	}

	/** @param {URLSearchParams} params */
	function validateAuthorize(params) {
		if (params.get("client_id") !== clientId) return { status: 404, message: "No OAuth App with this client_id." };
		const redirectUri = params.get("redirect_uri") ?? "";
		// Real GitHub also checks redirect_uri against the app's callback URL; the stand-in
		// serves any local origin, so it accepts any http(s) URL.
		if (!isHttpUrl(redirectUri)) return { status: 400, message: "redirect_uri must be an http(s) URL." };
		const method = params.get("code_challenge_method");
		if (params.get("code_challenge") && method !== null && method !== "S256")
			return { status: 400, message: "Only the S256 code_challenge_method is supported." };
		return null;
	}

	/** @param {import("node:http").ServerResponse} res @param {URLSearchParams} params */
	function showAuthorizePage(res, params) {
		const problem = validateAuthorize(params);
		if (problem) return sendHtml(res, problem.status, page("Error", `<h1>Cannot authorize</h1><p>${escapeHtml(problem.message)}</p>`));
		const hidden = ["client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"]
			.filter((name) => params.has(name))
			.map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? "")}">`)
			.join("\n");
		const scopes = splitScopes(params.get("scope") ?? "");
		const users = USERS.map(
			(user, index) =>
				`<label><input type="radio" name="login" value="${escapeHtml(user.login)}"${index === 0 ? " checked" : ""}> ${escapeHtml(user.login)}${user.fault ? " (simulates a GitHub failure)" : ""}</label><br>`,
		).join("\n");
		return sendHtml(
			res,
			200,
			page(
				"Authorize application",
				`<h1>Authorize application</h1>
<p>An application wants to access your account with the scopes: ${scopes.length ? scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(", ") : "(none)"}.</p>
<form method="post" action="/login/oauth/authorize">
${hidden}
<fieldset><legend>Sign in as</legend>${users}</fieldset>
<p><button type="submit" name="decision" value="authorize">Authorize</button><button type="submit" name="decision" value="cancel">Cancel</button></p>
</form>`,
			),
		);
	}

	/** @param {import("node:http").ServerResponse} res @param {URLSearchParams} form */
	function decideAuthorize(res, form) {
		const problem = validateAuthorize(form);
		if (problem) return sendHtml(res, problem.status, page("Error", `<h1>Cannot authorize</h1><p>${escapeHtml(problem.message)}</p>`));
		const redirect = new URL(form.get("redirect_uri") ?? "");
		const state = form.get("state");
		if (form.get("decision") !== "authorize") {
			redirect.searchParams.set("error", "access_denied");
			redirect.searchParams.set("error_description", "The user has denied your application access.");
			redirect.searchParams.set(
				"error_uri",
				"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied",
			);
		} else {
			const user = USERS.find((candidate) => candidate.login === form.get("login"));
			if (!user) return sendHtml(res, 400, page("Error", "<h1>Unknown user</h1>"));
			const code = randomBytes(10).toString("hex");
			codes.set(code, {
				clientId,
				redirectUri: redirect.toString(),
				scopes: splitScopes(form.get("scope") ?? ""),
				challenge: form.get("code_challenge") || null,
				login: user.login,
				expiresAt: Date.now() + CODE_TTL_MS,
			});
			redirect.searchParams.set("code", code);
		}
		if (state !== null) redirect.searchParams.set("state", state);
		res.writeHead(302, { Location: redirect.toString() });
		res.end();
	}

	/** @param {import("node:http").IncomingMessage} req @param {import("node:http").ServerResponse} res @param {string} body */
	function exchangeCode(req, res, body) {
		const isJson = (req.headers["content-type"] ?? "").includes("application/json");
		/** @type {Record<string, string>} */
		let params = {};
		try {
			params = isJson ? JSON.parse(body || "{}") : Object.fromEntries(new URLSearchParams(body));
		} catch {
			params = {};
		}
		const wantsJson = (req.headers.accept ?? "").includes("application/json");
		/** @param {Record<string, string>} payload */
		const reply = (payload) => {
			// GitHub answers exchange errors with HTTP 200 too.
			if (wantsJson) {
				res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
				res.end(JSON.stringify(payload));
			} else {
				res.writeHead(200, { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" });
				res.end(new URLSearchParams(payload).toString());
			}
		};
		/** @param {string} error @param {string} description */
		const fail = (error, description) =>
			reply({
				error,
				error_description: description,
				error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors",
			});

		if (params.client_id !== clientId || params.client_secret !== clientSecret) {
			return fail("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
		}
		const record = codes.get(params.code ?? "");
		if (!record || record.expiresAt < Date.now()) {
			if (record) codes.delete(params.code ?? "");
			return fail("bad_verification_code", "The code passed is incorrect or expired.");
		}
		if (params.redirect_uri && params.redirect_uri !== record.redirectUri) {
			return fail("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.");
		}
		if (record.challenge) {
			const verifier = params.code_verifier ?? "";
			const computed = base64url(createHash("sha256").update(verifier).digest());
			if (computed !== record.challenge) {
				codes.delete(params.code ?? "");
				return fail("bad_verification_code", "The code_verifier does not match the code_challenge (PKCE).");
			}
		}
		const user = USERS.find((candidate) => candidate.login === record.login);
		if (user?.fault === "exchange") {
			res.writeHead(502, { "Content-Type": "text/html" });
			res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
			return;
		}
		codes.delete(params.code ?? "");
		const token = `gho_${randomBytes(18).toString("hex")}`;
		tokens.set(token, { login: record.login, scopes: record.scopes });
		reply({ access_token: token, token_type: "bearer", scope: record.scopes.join(",") });
	}

	/** @param {import("node:http").IncomingMessage} req */
	function tokenOf(req) {
		const match = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? "");
		if (match?.[1]) presented.push(match[1]);
		return match?.[1] ? tokens.get(match[1]) : undefined;
	}

	/**
	 * @param {import("node:http").ServerResponse} res
	 * @param {number} status
	 * @param {unknown} body
	 * @param {TokenRecord | undefined} token
	 * @param {Record<string, string>} [extra]
	 */
	function sendApi(res, status, body, token, extra = {}) {
		const json = JSON.stringify(body);
		// Like GitHub: GET responses carry an ETag, and a matching If-None-Match gets 304 with no
		// body (which GitHub does not count against the rate limit).
		const etag = current?.method === "GET" && status === 200 ? `W/"${sha(json)}"` : undefined;
		const notModified = etag !== undefined && current?.ifNoneMatch === etag;
		const finalStatus = notModified ? 304 : status;
		if (current)
			requestLog.push({
				method: current.method,
				path: current.path,
				status: finalStatus,
				conditional: current.ifNoneMatch !== undefined,
				token: current.token,
			});
		res.writeHead(finalStatus, {
			"Content-Type": "application/json; charset=utf-8",
			"X-OAuth-Scopes": token ? token.scopes.join(", ") : "",
			"X-RateLimit-Limit": "5000",
			"X-RateLimit-Remaining": "4999",
			"X-RateLimit-Reset": String(Math.floor(Date.now() / 1000) + 3600),
			"X-GitHub-Request-Id": randomBytes(8).toString("hex").toUpperCase(),
			...(etag ? { ETag: etag } : {}),
			...extra,
		});
		res.end(notModified ? undefined : json);
	}

	/** 404 the way GitHub says it. @param {import("node:http").ServerResponse} res @param {TokenRecord} token */
	const notFound = (res, token) => sendApi(res, 404, { message: "Not Found", documentation_url: DOCS, status: "404" }, token);

	/**
	 * The repository a path names, if this token may see it: GitHub answers 404, not 403, for a
	 * private repository the token cannot read.
	 * @param {string} owner @param {string} name @param {TokenRecord} token
	 */
	function visibleRepo(owner, name, token) {
		const repo = repos.find((candidate) => candidate.full_name.toLowerCase() === `${owner}/${name}`.toLowerCase());
		if (!repo || (repo.private && !token.scopes.includes("repo"))) return undefined;
		return repo;
	}

	/** @param {TokenRecord} token @param {{ private: boolean }} repo */
	const canWrite = (token, repo) => token.scopes.includes("repo") || (!repo.private && token.scopes.includes("public_repo"));

	/** @param {string} body */
	function parseJson(body) {
		try {
			const value = JSON.parse(body || "{}");
			return typeof value === "object" && value !== null ? value : null;
		} catch {
			return null;
		}
	}

	/**
	 * A page of `items` with GitHub's Link header, or a 422 for bad paging parameters.
	 * @param {URL} url @param {import("node:http").ServerResponse} res @param {TokenRecord} token @param {unknown[]} items
	 * @param {(page: unknown[]) => unknown} [wrap]
	 */
	function sendPage(url, res, token, items, wrap = (page) => page) {
		const perPage = Number(url.searchParams.get("per_page") ?? 30);
		const pageNumber = Number(url.searchParams.get("page") ?? 1);
		if (!Number.isInteger(perPage) || perPage < 1 || !Number.isInteger(pageNumber) || pageNumber < 1) {
			return sendApi(res, 422, { message: "Validation Failed", documentation_url: DOCS, status: "422" }, token);
		}
		const size = Math.min(perPage, 100);
		const lastPage = Math.max(1, Math.ceil(items.length / size));
		/** @param {number} n */
		const link = (n) => {
			const target = new URL(url.toString());
			target.searchParams.set("page", String(n));
			target.searchParams.set("per_page", String(size));
			return `<${baseUrl}${target.pathname}${target.search}>`;
		};
		const links = [];
		if (pageNumber > 1) links.push(`${link(pageNumber - 1)}; rel="prev"`);
		if (pageNumber < lastPage) links.push(`${link(pageNumber + 1)}; rel="next"`, `${link(lastPage)}; rel="last"`);
		if (pageNumber > 1) links.push(`${link(1)}; rel="first"`);
		sendApi(res, 200, wrap(items.slice((pageNumber - 1) * size, pageNumber * size)), token, links.length ? { Link: links.join(", ") } : {});
	}

	/** @type {{ method: string, pattern: RegExp, handler: (ctx: { url: URL, path: string, params: string[], body: string, token: TokenRecord, user: User, res: import("node:http").ServerResponse }) => void }[]} */
	const routes = [
		{
			method: "GET",
			pattern: /^\/user$/,
			handler: ({ token, user, res }) => {
				if (user.fault === "user") return sendApi(res, 500, { message: "Server Error" }, token);
				sendApi(
					res,
					200,
					{
						login: user.login,
						id: user.id,
						node_id: `U_${user.id}`,
						avatar_url: `${baseUrl}/avatars/${user.login}`,
						html_url: `${baseUrl}/${user.login}`,
						type: "User",
						site_admin: false,
						name: user.name,
						email: user.publicEmail,
						public_repos: user.login === "octocat" ? repos.filter((repo) => !repo.private).length : 0,
					},
					token,
				);
			},
		},
		{
			method: "GET",
			pattern: /^\/user\/emails$/,
			handler: ({ token, user, res }) => {
				if (!token.scopes.includes("user:email") && !token.scopes.includes("user")) return notFound(res, token);
				sendApi(res, 200, user.emails, token);
			},
		},
		{
			method: "GET",
			pattern: /^\/user\/orgs$/,
			handler: ({ token, user, res }) => {
				const orgs = memberships.get(user.login) ?? user.orgs ?? [];
				sendApi(
					res,
					200,
					orgs.map((login, index) => ({ login, id: 9000 + index })),
					token,
				);
			},
		},
		{
			method: "GET",
			pattern: /^\/user\/repos$/,
			handler: ({ url, token, user, res }) => listRepos(url, token, user, res),
		},
		{
			method: "GET",
			pattern: /^\/repos\/([^/]+)\/([^/]+)$/,
			handler: ({ params: [owner = "", name = ""], token, res }) => {
				const repo = visibleRepo(owner, name, token);
				if (!repo) return notFound(res, token);
				sendApi(
					res,
					200,
					{ ...repo, html_url: `${baseUrl}/${repo.full_name}`, topics: ["sample"], license: null, homepage: null, size: 1024 },
					token,
				);
			},
		},
		{
			method: "GET",
			pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/,
			handler: ({ url, params: [owner = "", name = ""], token, res }) => {
				const repo = visibleRepo(owner, name, token);
				if (!repo) return notFound(res, token);
				const state = url.searchParams.get("state") ?? "open";
				const sort = url.searchParams.get("sort") ?? "created";
				const direction = url.searchParams.get("direction") ?? "desc";
				const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
				if (
					!["open", "closed", "all"].includes(state) ||
					!["created", "updated", "comments"].includes(sort) ||
					!["asc", "desc"].includes(direction)
				) {
					return sendApi(res, 422, { message: "Validation Failed", documentation_url: DOCS, status: "422" }, token);
				}
				const key = /** @type {"comments" | "created_at" | "updated_at"} */ (sort === "comments" ? "comments" : `${sort}_at`);
				const list = issuesOf(repo.full_name)
					.filter((issue) => state === "all" || issue.state === state)
					.filter((issue) => labels.every((label) => issue.labels.some((candidate) => candidate.name === label)))
					.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * (direction === "asc" ? 1 : -1));
				sendPage(url, res, token, list);
			},
		},
		{
			method: "POST",
			pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/,
			handler: ({ params: [owner = "", name = ""], body, token, user, res }) => {
				const repo = visibleRepo(owner, name, token);
				if (!repo) return notFound(res, token);
				if (!canWrite(token, repo))
					return sendApi(res, 403, { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" }, token);
				const input = parseJson(body);
				if (!input) return sendApi(res, 400, { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" }, token);
				if (typeof input.title !== "string" || input.title.trim() === "") {
					return sendApi(
						res,
						422,
						{
							message: "Validation Failed",
							errors: [{ resource: "Issue", field: "title", code: "missing_field" }],
							documentation_url: DOCS,
							status: "422",
						},
						token,
					);
				}
				const list = issuesOf(repo.full_name);
				const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
				const issue = makeIssue(repo.full_name, list.length + 1, {
					title: input.title,
					body: typeof input.body === "string" ? input.body : null,
					user,
					created: now,
				});
				list.push(issue);
				sendApi(res, 201, issue, token);
			},
		},
		{
			method: "GET",
			pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/,
			handler: ({ params: [owner = "", name = "", number = ""], token, res }) => {
				const repo = visibleRepo(owner, name, token);
				const issue = repo && issuesOf(repo.full_name).find((candidate) => candidate.number === Number(number));
				if (!issue) return notFound(res, token);
				sendApi(res, 200, issue, token);
			},
		},
		{
			method: "GET",
			pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
			handler: ({ url, params: [owner = "", name = "", number = ""], token, res }) => {
				const repo = visibleRepo(owner, name, token);
				const issue = repo && issuesOf(repo.full_name).find((candidate) => candidate.number === Number(number));
				if (!issue) return notFound(res, token);
				sendPage(url, res, token, commentsOf(issue));
			},
		},
		{
			method: "POST",
			pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
			handler: ({ params: [owner = "", name = "", number = ""], body, token, user, res }) => {
				const repo = visibleRepo(owner, name, token);
				const issue = repo && issuesOf(repo.full_name).find((candidate) => candidate.number === Number(number));
				if (!repo || !issue) return notFound(res, token);
				if (!canWrite(token, repo))
					return sendApi(res, 403, { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" }, token);
				const input = parseJson(body);
				if (!input || typeof input.body !== "string" || input.body.trim() === "") {
					return sendApi(
						res,
						422,
						{
							message: "Validation Failed",
							errors: [{ resource: "IssueComment", field: "body", code: "missing_field" }],
							documentation_url: DOCS,
							status: "422",
						},
						token,
					);
				}
				const comments = commentsOf(issue);
				const id = 7000000 + comments.length + 1 + issue.number * 100;
				const comment = {
					id,
					body: input.body,
					user: { login: user.login, id: user.id },
					created_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
					html_url: `${issue.html_url}#issuecomment-${id}`,
				};
				comments.push(comment);
				issue.comments = comments.length;
				sendApi(res, 201, comment, token);
			},
		},
		{
			method: "GET",
			pattern: /^\/search\/issues$/,
			handler: ({ url, token, res }) => {
				const query = url.searchParams.get("q") ?? "";
				if (query.trim() === "")
					return sendApi(
						res,
						422,
						{
							message: "Validation Failed",
							errors: [{ resource: "Search", field: "q", code: "missing" }],
							documentation_url: DOCS,
							status: "422",
						},
						token,
					);
				const matches = searchIssues(query, token);
				sendPage(url, res, token, matches, (items) => ({ total_count: matches.length, incomplete_results: false, items }));
			},
		},
		{
			method: "GET",
			pattern: /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/,
			handler: ({ url, params: [owner = "", name = "", filePath = ""], token, res }) => {
				const repo = visibleRepo(owner, name, token);
				if (!repo) return notFound(res, token);
				const ref = url.searchParams.get("ref") ?? repo.default_branch;
				if (ref !== repo.default_branch && ref !== "v1.0.0") {
					return sendApi(res, 404, { message: `No commit found for the ref ${ref}`, documentation_url: DOCS, status: "404" }, token);
				}
				const files = filesOf(repo.full_name, ref);
				const path = decodeURIComponent(filePath).replace(/\/+$/, "");
				const file = files.get(path);
				if (file) return sendApi(res, 200, fileEntry(repo.full_name, path, file, true), token);
				const children = [...files.keys()].filter((candidate) => path === "" || candidate.startsWith(`${path}/`));
				if (children.length === 0) return notFound(res, token);
				const direct = new Map();
				for (const child of children) {
					const rest = path === "" ? child : child.slice(path.length + 1);
					const head = rest.split("/")[0] ?? rest;
					const full = path === "" ? head : `${path}/${head}`;
					direct.set(full, rest.includes("/") ? "dir" : "file");
				}
				sendApi(
					res,
					200,
					[...direct].map(([entryPath, type]) =>
						type === "dir"
							? { type: "dir", name: entryPath.split("/").pop(), path: entryPath, size: 0, sha: sha(entryPath) }
							: fileEntry(repo.full_name, entryPath, files.get(entryPath) ?? Buffer.alloc(0), false),
					),
					token,
				);
			},
		},
	];

	/** @param {string} repoName @param {string} path @param {Buffer} content @param {boolean} withContent */
	function fileEntry(repoName, path, content, withContent) {
		const tooLarge = content.length > 1024 * 1024; // GitHub omits the content of files over 1 MB.
		return {
			type: "file",
			name: path.split("/").pop(),
			path,
			size: content.length,
			sha: sha(content.toString("binary")),
			html_url: `${baseUrl}/${repoName}/blob/main/${path}`,
			...(withContent
				? {
						encoding: tooLarge ? "none" : "base64",
						content: tooLarge ? "" : (content.toString("base64").match(/.{1,60}/g) ?? []).join("\n"),
					}
				: {}),
		};
	}

	/** @param {string} value */
	const sha = (value) => createHash("sha1").update(value).digest("hex");

	/**
	 * GitHub's search syntax, the part the tools use: repo:, is:open/closed, is:issue/pr, label:,
	 * author:, and free words matched in the title or body.
	 * @param {string} query @param {TokenRecord} token
	 */
	function searchIssues(query, token) {
		const terms = query.split(/\s+/).filter(Boolean);
		/** @type {Record<string, string[]>} */
		const qualifiers = {};
		/** @type {string[]} */
		const words = [];
		for (const term of terms) {
			const match = /^(repo|is|label|author|state):(.+)$/.exec(term);
			if (match?.[1] && match[2]) {
				const values = qualifiers[match[1]] ?? [];
				values.push(match[2].replace(/^"|"$/g, ""));
				qualifiers[match[1]] = values;
			} else words.push(term.toLowerCase());
		}
		const repoNames = qualifiers.repo ?? repos.map((repo) => repo.full_name);
		return repoNames
			.flatMap((full) => {
				const [owner = "", name = ""] = full.split("/");
				const repo = visibleRepo(owner, name, token);
				return repo ? issuesOf(repo.full_name) : [];
			})
			.filter((issue) => {
				for (const value of [...(qualifiers.is ?? []), ...(qualifiers.state ?? [])]) {
					if ((value === "open" || value === "closed") && issue.state !== value) return false;
					if (value === "issue" && issue.pull_request) return false;
					if (value === "pr" && !issue.pull_request) return false;
				}
				if ((qualifiers.label ?? []).some((label) => !issue.labels.some((candidate) => candidate.name === label))) return false;
				if ((qualifiers.author ?? []).some((author) => issue.user.login !== author)) return false;
				const text = `${issue.title} ${issue.body ?? ""}`.toLowerCase();
				return words.every((word) => text.includes(word));
			});
	}

	/** @param {URL} url @param {TokenRecord} token @param {User} user @param {import("node:http").ServerResponse} res */
	function listRepos(url, token, user, res) {
		const query = url.searchParams;
		const sort = query.get("sort") ?? "full_name";
		const visibility = query.get("visibility") ?? "all";
		const direction = query.get("direction") ?? (sort === "full_name" ? "asc" : "desc");
		const invalid =
			!["created", "updated", "pushed", "full_name"].includes(sort) ||
			!["asc", "desc"].includes(direction) ||
			!["all", "public", "private"].includes(visibility);
		if (invalid) {
			return sendApi(
				res,
				422,
				{ message: "Validation Failed", errors: [{ resource: "Repository", code: "invalid" }], documentation_url: DOCS },
				token,
			);
		}
		// Without the repo scope, GitHub lists only public repositories.
		const canSeePrivate = token.scopes.includes("repo");
		const key = /** @type {"created_at" | "updated_at" | "pushed_at" | "full_name"} */ (sort === "full_name" ? "full_name" : `${sort}_at`);
		const mine = user.login === "octocat" ? repos : [];
		const visible = mine
			.filter((repo) => canSeePrivate || !repo.private)
			.filter((repo) => visibility === "all" || repo.visibility === visibility)
			.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * (direction === "asc" ? 1 : -1))
			.map((repo) => ({ ...repo, html_url: `${baseUrl}/${repo.full_name}` }));
		sendPage(url, res, token, visible);
	}

	/** @param {import("node:http").IncomingMessage} req @param {import("node:http").ServerResponse} res @param {URL} url @param {string} body */
	function handleApi(req, res, url, body) {
		const path = url.pathname.slice("/api/v3".length) || "/";
		const credential = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
		const ifNoneMatch = req.headers["if-none-match"];
		current = {
			method: req.method ?? "GET",
			path: `${path}${url.search}`,
			ifNoneMatch: typeof ifNoneMatch === "string" ? ifNoneMatch : undefined,
			token: credential,
		};
		const token = tokenOf(req);
		if (!token) return sendApi(res, 401, { message: "Bad credentials", documentation_url: DOCS, status: "401" }, undefined);
		switch (token.fault) {
			case "unauthorized":
				return sendApi(res, 401, { message: "Bad credentials", documentation_url: DOCS, status: "401" }, undefined);
			case "forbidden":
				return sendApi(res, 403, { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" }, token);
			case "rate_limited": {
				const user = USERS.find((candidate) => candidate.login === token.login);
				return sendApi(
					res,
					403,
					{ message: `API rate limit exceeded for user ID ${user?.id ?? 0}.`, documentation_url: DOCS, status: "403" },
					token,
					{ "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(Math.floor(Date.now() / 1000) + 60) },
				);
			}
			case "server_error":
				return sendApi(res, 500, { message: "Server Error" }, token);
		}
		const user = USERS.find((candidate) => candidate.login === token.login);
		const route = routes.find((candidate) => candidate.method === req.method && candidate.pattern.test(path));
		if (!user || !route) return notFound(res, token);
		const params = (route.pattern.exec(path) ?? []).slice(1).map((value) => value ?? "");
		route.handler({ url, path, params, body, token, user, res });
	}

	/** @param {import("node:http").ServerResponse} res @param {string} body */
	function mintToken(res, body) {
		/** @type {{ login?: string, scopes?: string[], fault?: Fault }} */
		let request;
		try {
			request = JSON.parse(body || "{}");
		} catch {
			request = {};
		}
		const faults = ["unauthorized", "forbidden", "rate_limited", "server_error"];
		if (!USERS.some((user) => user.login === request.login) || (request.fault !== undefined && !faults.includes(request.fault))) {
			res.writeHead(400, { "Content-Type": "application/json" });
			res.end(JSON.stringify({ message: `login must be a stand-in user; fault one of ${faults.join(", ")}` }));
			return;
		}
		const token = `gho_${randomBytes(18).toString("hex")}`;
		tokens.set(token, {
			login: request.login ?? "",
			scopes: request.scopes ?? ["read:user", "user:email", "repo"],
			...(request.fault ? { fault: request.fault } : {}),
		});
		res.writeHead(201, { "Content-Type": "application/json" });
		res.end(JSON.stringify({ token }));
	}

	const server = createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on("data", (chunk) => chunks.push(chunk));
		req.on("end", () => {
			const body = Buffer.concat(chunks).toString("utf8");
			const url = new URL(req.url ?? "/", baseUrl);
			if (log) console.log(`[github-standin] ${req.method} ${url.pathname}`);
			try {
				if (url.pathname === "/login/oauth/authorize" && req.method === "GET") return showAuthorizePage(res, url.searchParams);
				if (url.pathname === "/login/oauth/authorize" && req.method === "POST") return decideAuthorize(res, new URLSearchParams(body));
				if (url.pathname === "/login/oauth/access_token" && req.method === "POST") return exchangeCode(req, res, body);
				if (url.pathname === "/api/v3" || url.pathname.startsWith("/api/v3/")) return handleApi(req, res, url, body);
				if (url.pathname === "/_standin/tokens" && req.method === "POST") return mintToken(res, body);
				if (url.pathname === "/_standin/orgs" && req.method === "POST") {
					// Change a user's organisation memberships (for allow-list tests).
					const input = parseJson(body);
					const user = USERS.find((candidate) => candidate.login === input?.login);
					if (!user || !Array.isArray(input?.orgs)) {
						res.writeHead(400, { "Content-Type": "application/json" });
						return res.end(JSON.stringify({ message: "login must be a stand-in user and orgs a list" }));
					}
					memberships.set(user.login, input.orgs.map(String));
					res.writeHead(204);
					return res.end();
				}
				if (url.pathname === "/_standin/requests" && req.method === "GET") {
					// Optionally only the requests made with one token (?token=…), so parallel tests don't mix.
					const only = url.searchParams.get("token");
					res.writeHead(200, { "Content-Type": "application/json" });
					return res.end(
						JSON.stringify({
							requests: requestLog.filter((entry) => !only || entry.token === only).map(({ token: _token, ...entry }) => entry),
						}),
					);
				}
				if (url.pathname === "/_standin/presented-tokens" && req.method === "GET") {
					res.writeHead(200, { "Content-Type": "application/json" });
					return res.end(JSON.stringify({ tokens: presented }));
				}
				if (url.pathname === "/_standin/health") {
					res.writeHead(200, { "Content-Type": "application/json" });
					return res.end(JSON.stringify({ ok: true }));
				}
				if (url.pathname === "/") {
					return sendHtml(
						res,
						200,
						page(
							"GitHub development stand-in",
							"<h1>GitHub development stand-in</h1><p>Serves GitHub's OAuth web flow and a few REST endpoints (under <code>/api/v3</code>) for local development and tests.</p>",
						),
					);
				}
				sendHtml(res, 404, page("Not found", "<h1>Not found</h1>"));
			} catch (error) {
				if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
				res.end("stand-in error");
				if (log) console.error(`[github-standin] error: ${error instanceof Error ? error.name : error}`);
			}
		});
	});
	server.on("connection", (socket) => {
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
	});

	await new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, host, () => resolve(undefined));
	});
	const address = server.address();
	const boundPort = typeof address === "object" && address ? address.port : port;
	baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;

	return {
		baseUrl,
		apiUrl: `${baseUrl}/api/v3`,
		clientId,
		clientSecret,
		port: boundPort,
		close() {
			return new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve(undefined));
			});
		},
	};
}

// CLI: `node scripts/github-standin.mjs [--port N]`
if (import.meta.url === `file://${process.argv[1]}`) {
	const index = process.argv.indexOf("--port");
	const port = index > 0 ? Number(process.argv[index + 1]) : 8789;
	const standIn = await startGithubStandIn({ port, log: true });
	console.log(
		`GitHub development stand-in: ${standIn.baseUrl} (API ${standIn.apiUrl}), client id ${standIn.clientId}, client secret ${standIn.clientSecret}`,
	);
	for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
		process.on(signal, () => void standIn.close().then(() => process.exit(0)));
	}
}
