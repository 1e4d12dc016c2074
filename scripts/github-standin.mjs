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
/** @typedef {{ id: number, login: string, name: string | null, publicEmail: string | null, emails: { email: string, primary: boolean, verified: boolean, visibility: string | null }[], fault?: "exchange" | "user" }} User */
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
	/** Issues created through the API, per repository full name. */
	/** @type {Map<string, { number: number, title: string, body: string | null, user: string }[]>} */
	const issues = new Map();
	const repos = seedRepos();
	const sockets = new Set();
	let baseUrl = "";

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
		res.writeHead(status, {
			"Content-Type": "application/json; charset=utf-8",
			"X-OAuth-Scopes": token ? token.scopes.join(", ") : "",
			"X-RateLimit-Limit": "5000",
			"X-RateLimit-Remaining": "4999",
			"X-RateLimit-Reset": String(Math.floor(Date.now() / 1000) + 3600),
			"X-GitHub-Request-Id": randomBytes(8).toString("hex").toUpperCase(),
			...extra,
		});
		res.end(JSON.stringify(body));
	}

	/** @type {{ method: string, pattern: RegExp, handler: (ctx: { url: URL, path: string, body: string, token: TokenRecord, user: User, res: import("node:http").ServerResponse }) => void }[]} */
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
				if (!token.scopes.includes("user:email") && !token.scopes.includes("user"))
					return sendApi(res, 404, { message: "Not Found", documentation_url: DOCS }, token);
				sendApi(res, 200, user.emails, token);
			},
		},
		{
			method: "GET",
			pattern: /^\/user\/repos$/,
			handler: ({ url, token, user, res }) => listRepos(url, token, user, res),
		},
		{
			method: "POST",
			pattern: /^\/repos\/[^/]+\/[^/]+\/issues$/,
			handler: ({ path, body, token, user, res }) => createIssue(path, body, token, user, res),
		},
	];

	/**
	 * @param {string} path @param {string} body @param {TokenRecord} token @param {User} user
	 * @param {import("node:http").ServerResponse} res
	 */
	function createIssue(path, body, token, user, res) {
		const [, , owner = "", name = ""] = path.split("/");
		const repo = repos.find((candidate) => candidate.full_name === `${owner}/${name}`);
		// GitHub answers 404, not 403, for a private repository the token cannot see.
		if (!repo || (repo.private && !token.scopes.includes("repo")))
			return sendApi(res, 404, { message: "Not Found", documentation_url: DOCS, status: "404" }, token);
		if (!token.scopes.includes("repo") && !token.scopes.includes("public_repo")) {
			return sendApi(res, 403, { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" }, token);
		}
		/** @type {{ title?: unknown, body?: unknown }} */
		let input;
		try {
			input = JSON.parse(body || "{}");
		} catch {
			return sendApi(res, 400, { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" }, token);
		}
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
		const list = issues.get(repo.full_name) ?? [];
		const number = list.length + 1;
		list.push({ number, title: input.title, body: typeof input.body === "string" ? input.body : null, user: user.login });
		issues.set(repo.full_name, list);
		sendApi(
			res,
			201,
			{
				id: 5000000 + number,
				number,
				title: input.title,
				body: typeof input.body === "string" ? input.body : null,
				state: "open",
				user: { login: user.login, id: user.id },
				html_url: `${baseUrl}/${repo.full_name}/issues/${number}`,
			},
			token,
		);
	}

	/** @param {URL} url @param {TokenRecord} token @param {User} user @param {import("node:http").ServerResponse} res */
	function listRepos(url, token, user, res) {
		const query = url.searchParams;
		const sort = query.get("sort") ?? "full_name";
		const visibility = query.get("visibility") ?? "all";
		const perPage = Number(query.get("per_page") ?? 30);
		const pageNumber = Number(query.get("page") ?? 1);
		const direction = query.get("direction") ?? (sort === "full_name" ? "asc" : "desc");
		const invalid =
			!["created", "updated", "pushed", "full_name"].includes(sort) ||
			!["asc", "desc"].includes(direction) ||
			!["all", "public", "private"].includes(visibility) ||
			!Number.isInteger(perPage) ||
			perPage < 1 ||
			!Number.isInteger(pageNumber) ||
			pageNumber < 1;
		if (invalid)
			return sendApi(
				res,
				422,
				{ message: "Validation Failed", errors: [{ resource: "Repository", code: "invalid" }], documentation_url: DOCS },
				token,
			);
		const size = Math.min(perPage, 100);
		// Without the repo scope, GitHub lists only public repositories.
		const canSeePrivate = token.scopes.includes("repo");
		const key = /** @type {"created_at" | "updated_at" | "pushed_at" | "full_name"} */ (sort === "full_name" ? "full_name" : `${sort}_at`);
		const mine = user.login === "octocat" ? repos : [];
		const visible = mine
			.filter((repo) => canSeePrivate || !repo.private)
			.filter((repo) => visibility === "all" || repo.visibility === visibility)
			.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * (direction === "asc" ? 1 : -1));
		const lastPage = Math.max(1, Math.ceil(visible.length / size));
		const slice = visible.slice((pageNumber - 1) * size, pageNumber * size);
		/** @param {number} n */
		const pageUrl = (n) => {
			const link = new URL(url.toString(), baseUrl);
			link.searchParams.set("page", String(n));
			link.searchParams.set("per_page", String(size));
			return `<${baseUrl}${link.pathname}${link.search}>`;
		};
		const links = [];
		if (pageNumber > 1) links.push(`${pageUrl(pageNumber - 1)}; rel="prev"`);
		if (pageNumber < lastPage) links.push(`${pageUrl(pageNumber + 1)}; rel="next"`, `${pageUrl(lastPage)}; rel="last"`);
		if (pageNumber > 1) links.push(`${pageUrl(1)}; rel="first"`);
		sendApi(res, 200, slice, token, links.length ? { Link: links.join(", ") } : {});
	}

	/** @param {import("node:http").IncomingMessage} req @param {import("node:http").ServerResponse} res @param {URL} url @param {string} body */
	function handleApi(req, res, url, body) {
		const path = url.pathname.slice("/api/v3".length) || "/";
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
		if (!user || !route) return sendApi(res, 404, { message: "Not Found", documentation_url: DOCS, status: "404" }, token);
		route.handler({ url, path, body, token, user, res });
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
			res.end(JSON.stringify({ message: "login must be a stand-in user; fault one of " + faults.join(", ") }));
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
