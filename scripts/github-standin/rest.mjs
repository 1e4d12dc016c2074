// @ts-check
/**
 * The REST endpoints the tools use, under /api/v3 as on GitHub Enterprise Server: the user, their
 * organisations and repositories, issues and comments, issue search and file contents. One table;
 * every handler goes through the API pipeline (api.mjs) first.
 *
 * Who sees what, as on GitHub: a private repository the token cannot read answers 404, not 403.
 * An OAuth App token reads private repositories with the `repo` scope and writes with `repo` (or
 * `public_repo` on public ones). A GitHub App user token has no scopes; it sees and writes only
 * repositories whose owner has the app installed, and everything else answers 404.
 */
import { API_PREFIX, apiRoute, sha } from "./api.mjs";
import { parseJson } from "./http.mjs";
import { DOCS, SEED_TAG } from "./seed.mjs";

/** @typedef {import("./api.mjs").ApiContext} ApiContext */
/** @typedef {import("./seed.mjs").Repo} Repo */
/** @typedef {import("./seed.mjs").Issue} Issue */
/** @typedef {import("./tokens.mjs").TokenRecord} TokenRecord */

/**
 * The repository `owner/name`, if this token may see it.
 * @param {ApiContext} api @param {string | undefined} owner @param {string | undefined} name
 */
function visibleRepo(api, owner = "", name = "") {
	const repo = api.state.store.findRepo(owner, name);
	if (!repo) return undefined;
	if (api.token.kind === "app") return api.state.store.isInstalled(repo.owner.login) ? repo : undefined;
	return repo.private && !api.token.scopes.includes("repo") ? undefined : repo;
}

/** @param {TokenRecord} token @param {Repo} repo */
const canWrite = (token, repo) =>
	// A GitHub App token reaches this point only for a repository where the app is installed.
	token.kind === "app" || token.scopes.includes("repo") || (!repo.private && token.scopes.includes("public_repo"));

/**
 * The repository a route names, by `{owner}/{repo}` or by `{id}` (/repositories/{id}, where
 * GitHub's redirects lead), if this token may see it.
 * @param {ApiContext} api
 */
function routeRepo(api) {
	if (api.params.id === undefined) return visibleRepo(api, api.params.owner, api.params.repo);
	const byId = /^[1-9][0-9]*$/.test(api.params.id) ? api.state.store.findRepoById(Number(api.params.id)) : undefined;
	return byId && visibleRepo(api, byId.owner.login, byId.name);
}

/** @param {ApiContext} api */
function issueOf(api) {
	const repo = routeRepo(api);
	const issue = repo && api.state.store.findIssue(repo, Number(api.params.number));
	return repo && issue ? { repo, issue } : undefined;
}

/**
 * An issue that was transferred away: like GitHub, its old address answers with a redirect to
 * /repositories/{id}/issues/{number} (301 for a read, 307 for a write, so a client that follows
 * it sends the write again there). True when it answered.
 * @param {ApiContext} api @param {string} [below] what follows the issue in the path
 */
function redirectedIssue(api, below = "") {
	const repo = routeRepo(api);
	const moved = repo && api.state.store.transferredTo(repo, Number(api.params.number));
	if (!moved) return false;
	const location = `${api.state.store.baseUrl}${API_PREFIX}/repositories/${moved.repo.id}/issues/${moved.number}${below}`;
	api.send(
		api.req.method === "GET" ? 301 : 307,
		{ message: "Moved Permanently", url: location, documentation_url: DOCS },
		{ Location: location },
	);
	return true;
}

/**
 * `a[key]` against `b[key]`, ascending or descending.
 * @template T @param {keyof T} key @param {string} direction @returns {(a: T, b: T) => number}
 */
const byKey = (key, direction) => (a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * (direction === "asc" ? 1 : -1);

/** @param {ApiContext} api */
function getUser({ state, token, user, send }) {
	if (user.fault === "user") return send(500, { message: "Server Error" });
	const { baseUrl } = state.store;
	const mine = state.store.ownedRepos(user.login).filter((repo) => token.kind !== "app" || state.store.isInstalled(repo.owner.login));
	send(200, {
		login: user.login,
		id: user.id,
		node_id: `U_${user.id}`,
		avatar_url: `${baseUrl}/avatars/${user.login}`,
		html_url: `${baseUrl}/${user.login}`,
		type: "User",
		site_admin: false,
		name: user.name,
		email: user.publicEmail,
		public_repos: mine.filter((repo) => !repo.private).length,
	});
}

/** @param {ApiContext} api */
function listEmails({ token, user, send, notFound }) {
	// A GitHub App is assumed to have the "Email addresses" permission.
	if (token.kind === "oauth" && !token.scopes.includes("user:email") && !token.scopes.includes("user")) return notFound();
	send(200, user.emails);
}

/** @param {ApiContext} api */
function listOrgs({ state, user, send }) {
	send(
		200,
		state.store.orgsOf(user).map((login, index) => ({ login, id: 9000 + index })),
	);
}

/** @param {ApiContext} api */
function listRepos({ state, url, token, user, page, invalid }) {
	const query = url.searchParams;
	const sort = query.get("sort") ?? "full_name";
	const visibility = query.get("visibility") ?? "all";
	const direction = query.get("direction") ?? (sort === "full_name" ? "asc" : "desc");
	if (
		!["created", "updated", "pushed", "full_name"].includes(sort) ||
		!["asc", "desc"].includes(direction) ||
		!["all", "public", "private"].includes(visibility)
	) {
		return invalid([{ resource: "Repository", code: "invalid" }]);
	}
	// Without the repo scope, GitHub lists only public repositories; a GitHub App token lists the
	// repositories of its installations.
	const canSeePrivate = token.kind === "app" || token.scopes.includes("repo");
	const key = /** @type {"created_at" | "updated_at" | "pushed_at" | "full_name"} */ (sort === "full_name" ? "full_name" : `${sort}_at`);
	const listed = state.store
		.ownedRepos(user.login)
		.filter((repo) => token.kind !== "app" || state.store.isInstalled(repo.owner.login))
		.filter((repo) => canSeePrivate || !repo.private)
		.filter((repo) => visibility === "all" || repo.visibility === visibility)
		.sort(byKey(key, direction))
		.map((repo) => ({ ...repo, html_url: `${state.store.baseUrl}/${repo.full_name}` }));
	page(listed);
}

/** @param {ApiContext} api */
function getRepo(api) {
	const repo = routeRepo(api);
	if (!repo) return api.notFound();
	api.send(200, {
		...repo,
		html_url: `${api.state.store.baseUrl}/${repo.full_name}`,
		topics: ["sample"],
		license: null,
		homepage: null,
		size: 1024,
	});
}

/**
 * The query parameters GitHub's issue lists share, or undefined when one is invalid.
 * @param {URLSearchParams} query
 */
function issueListQuery(query) {
	const state = query.get("state") ?? "open";
	const sort = query.get("sort") ?? "created";
	const direction = query.get("direction") ?? "desc";
	const labels = (query.get("labels") ?? "").split(",").filter(Boolean);
	if (
		!["open", "closed", "all"].includes(state) ||
		!["created", "updated", "comments"].includes(sort) ||
		!["asc", "desc"].includes(direction)
	) {
		return undefined;
	}
	const key = /** @type {"comments" | "created_at" | "updated_at"} */ (sort === "comments" ? "comments" : `${sort}_at`);
	/** @param {Issue[]} issues */
	return (issues) =>
		issues
			.filter((issue) => state === "all" || issue.state === state)
			.filter((issue) => labels.every((label) => issue.labels.some((candidate) => candidate.name === label)))
			.sort(byKey(key, direction));
}

/** @param {ApiContext} api */
function listRepoIssues(api) {
	const repo = visibleRepo(api, api.params.owner, api.params.repo);
	if (!repo) return api.notFound();
	const select = issueListQuery(api.url.searchParams);
	if (!select) return api.invalid();
	api.page(select(api.state.store.issuesOf(repo)));
}

/**
 * GET /issues: the authenticated user's issues across the repositories they can see, by
 * GitHub's `filter` (default `assigned`).
 * @param {ApiContext} api
 */
function listUserIssues(api) {
	const { state, url, user } = api;
	const filter = url.searchParams.get("filter") ?? "assigned";
	const select = issueListQuery(url.searchParams);
	if (!select || !["assigned", "created", "mentioned", "subscribed", "repos", "all"].includes(filter)) return api.invalid();
	const mention = `@${user.login.toLowerCase()}`;
	/** @param {Issue} issue */
	const involves = (issue) => {
		const assigned = issue.assignees.some((assignee) => /** @type {{ login?: string }} */ (assignee).login === user.login);
		const created = issue.user.login === user.login;
		const mentioned = (issue.body ?? "").toLowerCase().includes(mention);
		if (filter === "assigned") return assigned;
		if (filter === "created") return created;
		if (filter === "mentioned") return mentioned;
		if (filter === "subscribed") return assigned || created || mentioned;
		return true;
	};
	const items = state.store.repos
		.flatMap((candidate) => {
			const repo = visibleRepo(api, candidate.owner.login, candidate.name);
			if (!repo) return [];
			const repository = { id: repo.id, name: repo.name, full_name: repo.full_name, owner: repo.owner, private: repo.private };
			return state.store.issuesOf(repo).map((issue) => ({ ...issue, repository }));
		})
		.filter(involves);
	api.page(select(items));
}

/** @param {ApiContext} api */
function createIssue(api) {
	const repo = visibleRepo(api, api.params.owner, api.params.repo);
	if (!repo) return api.notFound();
	if (!canWrite(api.token, repo)) return api.forbidden();
	const input = parseJson(api.body);
	if (!input) return api.send(400, { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" });
	if (typeof input.title !== "string" || input.title.trim() === "") {
		return api.invalid([{ resource: "Issue", field: "title", code: "missing_field" }]);
	}
	const body = typeof input.body === "string" ? input.body : null;
	api.send(201, api.state.store.createIssue(repo, { title: input.title, body, user: api.user }));
}

/** @param {ApiContext} api */
function getIssue(api) {
	const found = issueOf(api);
	if (!found) return redirectedIssue(api) || api.notFound();
	api.send(200, found.issue);
}

/** @param {ApiContext} api */
function listComments(api) {
	const found = issueOf(api);
	if (!found) return redirectedIssue(api, "/comments") || api.notFound();
	api.page(api.state.store.commentsOf(found.issue));
}

/** @param {ApiContext} api */
function createComment(api) {
	const found = issueOf(api);
	if (!found) return redirectedIssue(api, "/comments") || api.notFound();
	if (!canWrite(api.token, found.repo)) return api.forbidden();
	const input = parseJson(api.body);
	if (!input || typeof input.body !== "string" || input.body.trim() === "") {
		return api.invalid([{ resource: "IssueComment", field: "body", code: "missing_field" }]);
	}
	api.send(201, api.state.store.addComment(found.issue, api.user, input.body));
}

/**
 * GitHub's search syntax, the part the tools use: repo:, is:open/closed, is:issue/pr, label:,
 * author:, and free words matched in the title or body.
 * @param {ApiContext} api
 */
function searchIssues(api) {
	const query = api.url.searchParams.get("q") ?? "";
	if (query.trim() === "") return api.invalid([{ resource: "Search", field: "q", code: "missing" }]);
	/** @type {Record<string, string[]>} */
	const qualifiers = {};
	/** @type {string[]} */
	const words = [];
	for (const term of query.split(/\s+/).filter(Boolean)) {
		const match = /^(repo|is|label|author|state):(.+)$/.exec(term);
		if (match?.[1] && match[2]) {
			const values = qualifiers[match[1]] ?? [];
			values.push(match[2].replace(/^"|"$/g, ""));
			qualifiers[match[1]] = values;
		} else words.push(term.toLowerCase());
	}
	const repoNames = qualifiers.repo ?? api.state.store.repos.map((repo) => repo.full_name);
	const matches = repoNames
		.flatMap((fullName) => {
			const [owner, name] = fullName.split("/");
			const repo = visibleRepo(api, owner, name);
			return repo ? api.state.store.issuesOf(repo) : [];
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
	api.page(matches, (items) => ({ total_count: matches.length, incomplete_results: false, items }));
}

/** @param {ApiContext} api */
function getContents(api) {
	const repo = visibleRepo(api, api.params.owner, api.params.repo);
	if (!repo) return api.notFound();
	const ref = api.url.searchParams.get("ref") ?? repo.default_branch;
	if (ref !== repo.default_branch && ref !== SEED_TAG) {
		return api.send(404, { message: `No commit found for the ref ${ref}`, documentation_url: DOCS, status: "404" });
	}
	const files = api.state.store.filesOf(ref);
	let path;
	try {
		path = decodeURIComponent(api.params.path ?? "").replace(/\/+$/, "");
	} catch {
		return api.notFound();
	}
	/** @param {string} entryPath @param {Buffer} content @param {boolean} withContent */
	const fileEntry = (entryPath, content, withContent) => {
		const tooLarge = content.length > 1024 * 1024; // GitHub omits the content of files over 1 MB.
		return {
			type: "file",
			name: entryPath.split("/").pop(),
			path: entryPath,
			size: content.length,
			sha: sha(content.toString("binary")),
			html_url: `${api.state.store.baseUrl}/${repo.full_name}/blob/main/${entryPath}`,
			...(withContent
				? {
						encoding: tooLarge ? "none" : "base64",
						content: tooLarge ? "" : (content.toString("base64").match(/.{1,60}/g) ?? []).join("\n"),
					}
				: {}),
		};
	};
	const file = files.get(path);
	if (file) return api.send(200, fileEntry(path, file, true));
	const children = [...files.keys()].filter((candidate) => path === "" || candidate.startsWith(`${path}/`));
	if (children.length === 0) return api.notFound();
	/** The direct children of `path`: files, and directories that hold deeper files. @type {Map<string, "file" | "dir">} */
	const direct = new Map();
	for (const child of children) {
		const rest = path === "" ? child : child.slice(path.length + 1);
		const head = rest.split("/")[0] ?? rest;
		direct.set(path === "" ? head : `${path}/${head}`, rest.includes("/") ? "dir" : "file");
	}
	api.send(
		200,
		[...direct].map(([entryPath, type]) =>
			type === "dir"
				? { type: "dir", name: entryPath.split("/").pop(), path: entryPath, size: 0, sha: sha(entryPath) }
				: fileEntry(entryPath, files.get(entryPath) ?? Buffer.alloc(0), false),
		),
	);
}

/**
 * The REST routes. Anything else under /api/v3 still goes through the pipeline (so a bad token
 * gets 401 first) and then answers GitHub's 404.
 * @param {import("./index.mjs").StandInState} state
 * @returns {import("./http.mjs").Route[]}
 */
export function restRoutes(state) {
	/** @type {[string, string, (api: ApiContext) => void][]} */
	const table = [
		["GET", "/user", getUser],
		["GET", "/user/emails", listEmails],
		["GET", "/user/orgs", listOrgs],
		["GET", "/user/repos", listRepos],
		["GET", "/issues", listUserIssues],
		["GET", "/search/issues", searchIssues],
		["GET", "/repos/{owner}/{repo}", getRepo],
		["GET", "/repos/{owner}/{repo}/issues", listRepoIssues],
		["POST", "/repos/{owner}/{repo}/issues", createIssue],
		["GET", "/repos/{owner}/{repo}/issues/{number}", getIssue],
		["GET", "/repos/{owner}/{repo}/issues/{number}/comments", listComments],
		["POST", "/repos/{owner}/{repo}/issues/{number}/comments", createComment],
		["GET", "/repos/{owner}/{repo}/contents", getContents],
		["GET", "/repos/{owner}/{repo}/contents/{path*}", getContents],
		["GET", "/repositories/{id}", getRepo],
		["GET", "/repositories/{id}/issues/{number}", getIssue],
		["GET", "/repositories/{id}/issues/{number}/comments", listComments],
		["POST", "/repositories/{id}/issues/{number}/comments", createComment],
		["*", "", (api) => api.notFound()],
		["*", "/{rest*}", (api) => api.notFound()],
	];
	return table.map(([method, pattern, handler]) => ({ method, pattern: `${API_PREFIX}${pattern}`, handler: apiRoute(state, handler) }));
}
