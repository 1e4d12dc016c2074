// @ts-check
/**
 * The stand-in's control endpoints, /_standin/*: what a test uses to set up "GitHub" and to read
 * back what reached it. Not part of GitHub; JSON in, JSON out.
 *
 * Set up:   POST /_standin/users, /_standin/tokens, /_standin/app-tokens, /_standin/orgs,
 *           /_standin/installations, /_standin/app-settings, /_standin/faults (DELETE clears),
 *           /_standin/token-endpoint, /_standin/transfers, DELETE /_standin/refresh-tokens/{token}
 * Read:     GET /_standin/requests, /_standin/writes, /_standin/refreshes,
 *           /_standin/presented-tokens, /_standin/health (and GET of the settings above)
 *
 * Filters (`?token=`, `?repo=`, `?login=`) let tests that run in parallel read only their own.
 *
 * Bodies, briefly (every field optional unless said):
 *   users          { login?, name?, orgs? }                    → 201 { id, login, name, email, orgs }
 *   tokens         { login, scopes?, fault? }                  → 201 { token } (an OAuth App gho_ token)
 *   app-tokens     { login, fault?, accessTokenTtlSeconds?, refreshTokenTtlSeconds? } → 201, as the token endpoint
 *   app-settings   { login?, accessTokenTtlSeconds?, refreshTokenTtlSeconds? }        → the lifetimes now in force
 *   installations  { owner, installed }                        → { owners }
 *   token-endpoint { login, down }                            → { login, down } (down: the token endpoint
 *                                                               answers that login's exchanges and refreshes with 502)
 *   transfers      { owner, repo, number, toOwner, toRepo, toPrivate? } → 201 { number, repositoryId }
 *   faults         { login?, latencyMs, latencyJitterMs, serverErrorRate, resetRate, rateLimitRate,
 *                    retryAfterSeconds, seed }                 → { faults }; DELETE ?login= clears one
 */
import { parseFaultSchedule } from "./faults.mjs";
import { parseJson, sendJson } from "./http.mjs";
import { LOGIN_SYNTAX } from "./store.mjs";
import { parseAppTokenSettings, TOKEN_FAULTS } from "./tokens.mjs";

/** @typedef {import("./http.mjs").RequestContext} RequestContext */

/** @param {unknown} value @returns {value is import("./tokens.mjs").TokenFault} */
const isTokenFault = (value) => TOKEN_FAULTS.some((fault) => fault === value);

/** @param {unknown} value @returns {value is string[]} */
const isStringList = (value) => Array.isArray(value) && value.every((entry) => typeof entry === "string");

/**
 * @param {import("./index.mjs").StandInState} state
 * @returns {import("./http.mjs").Route[]}
 */
export function controlRoutes(state) {
	const { store, tokens, faults } = state;

	/** @param {RequestContext} ctx */
	const input = (ctx) => parseJson(ctx.body) ?? {};
	/** @param {RequestContext} ctx @param {string} message */
	const badRequest = (ctx, message) => sendJson(ctx.res, 400, { message });
	/** A stand-in user by a login from the body, or a 400 naming the fix. @param {RequestContext} ctx @param {unknown} login */
	const userOrFail = (ctx, login) => {
		const user = typeof login === "string" ? store.findUser(login) : undefined;
		if (!user) badRequest(ctx, "login must be a stand-in user (seeded, or created through POST /_standin/users)");
		return user;
	};
	/**
	 * What a token to mint is for: the body's stand-in user and, if named, the fault every API call
	 * with the token meets; undefined once a 400 naming the fix is sent.
	 * @param {RequestContext} ctx @param {{ login?: unknown, fault?: unknown }} body
	 */
	const tokenRequestOrFail = (ctx, body) => {
		const user = userOrFail(ctx, body.login);
		if (!user) return undefined;
		const fault = body.fault;
		if (fault !== undefined && !isTokenFault(fault)) {
			badRequest(ctx, `fault must be one of ${TOKEN_FAULTS.join(", ")}`);
			return undefined;
		}
		return { user, fault };
	};

	/** @type {[string, string, (ctx: RequestContext) => void][]} */
	const table = [
		[
			"POST",
			"/users",
			(ctx) => {
				const created = store.createUser(input(ctx));
				if ("user" in created) return sendJson(ctx.res, 201, publicUser(store, created.user));
				sendJson(ctx.res, created.status, { message: created.message });
			},
		],
		[
			// An OAuth App token for a user, optionally failing every API call with `fault`.
			"POST",
			"/tokens",
			(ctx) => {
				const body = input(ctx);
				const request = tokenRequestOrFail(ctx, body);
				if (!request) return;
				const scopes = body.scopes === undefined ? ["read:user", "user:email", "repo"] : body.scopes;
				if (!isStringList(scopes)) return badRequest(ctx, "scopes must be a list of strings");
				sendJson(ctx.res, 201, { token: tokens.issueOAuthToken({ login: request.user.login, scopes, fault: request.fault }) });
			},
		],
		[
			// A GitHub App token pair, as the token endpoint returns it, without the browser.
			"POST",
			"/app-tokens",
			(ctx) => {
				const body = input(ctx);
				const request = tokenRequestOrFail(ctx, body);
				if (!request) return;
				const lifetimes = parseAppTokenSettings(body);
				if ("error" in lifetimes) return badRequest(ctx, lifetimes.error);
				sendJson(ctx.res, 201, tokens.issueAppTokens(request.user.login, { ...lifetimes.settings, fault: request.fault }));
			},
		],
		[
			"DELETE",
			"/refresh-tokens/{token}",
			(ctx) => {
				const killed = tokens.killRefreshToken(decodeURIComponent(ctx.params.token ?? ""));
				sendJson(ctx.res, killed ? 204 : 404, killed ? undefined : { message: "no such refresh token" });
			},
		],
		[
			"GET",
			"/refreshes",
			({ res, url }) =>
				sendJson(res, 200, {
					refreshes: tokens.refreshes({ login: url.searchParams.get("login"), refreshToken: url.searchParams.get("refresh_token") }),
				}),
		],
		["GET", "/app-settings", ({ res, url }) => sendJson(res, 200, tokens.appSettings(url.searchParams.get("login") ?? undefined))],
		[
			// Lifetimes of future GitHub App tokens: everyone's, or one login's (`login`).
			"POST",
			"/app-settings",
			(ctx) => {
				const body = input(ctx);
				if (body.login !== undefined && !userOrFail(ctx, body.login)) return;
				const parsed = parseAppTokenSettings(body);
				if ("error" in parsed) return badRequest(ctx, parsed.error);
				sendJson(ctx.res, 200, tokens.setAppSettings(parsed.settings, typeof body.login === "string" ? body.login : undefined));
			},
		],
		["GET", "/installations", ({ res }) => sendJson(res, 200, { owners: store.installations() })],
		[
			// Install the GitHub App on an account, or uninstall it: { owner, installed }.
			"POST",
			"/installations",
			(ctx) => {
				const { owner, installed = true } = input(ctx);
				if (typeof owner !== "string" || !LOGIN_SYNTAX.test(owner) || typeof installed !== "boolean") {
					return badRequest(ctx, "owner must be a login and installed a boolean");
				}
				store.setInstalled(owner, installed);
				sendJson(ctx.res, 200, { owners: store.installations() });
			},
		],
		[
			// An outage of GitHub's token endpoint for one login's code exchanges and refreshes (502),
			// and its end: { login, down }.
			"POST",
			"/token-endpoint",
			(ctx) => {
				const { login, down } = input(ctx);
				if (!userOrFail(ctx, login)) return;
				if (typeof down !== "boolean") return badRequest(ctx, "down must be a boolean");
				store.setTokenEndpointDown(String(login), down);
				sendJson(ctx.res, 200, { login, down });
			},
		],
		[
			// Compatibility: changes a (possibly seeded) user's organisations for everyone. New tests
			// create their own user with POST /_standin/users { orgs } instead.
			"POST",
			"/orgs",
			(ctx) => {
				const body = input(ctx);
				const user = store.findUser(typeof body.login === "string" ? body.login : undefined);
				if (!user || !Array.isArray(body.orgs)) return badRequest(ctx, "login must be a stand-in user and orgs a list");
				store.setOrgs(user, body.orgs.map(String));
				sendJson(ctx.res, 204);
			},
		],
		[
			// Transfers an issue to another repository (made private with `toPrivate`): its old address
			// then redirects, as on GitHub. Scratch repositories of a stand-in user exist on first use.
			"POST",
			"/transfers",
			(ctx) => {
				const body = input(ctx);
				const from = store.findRepo(String(body.owner ?? ""), String(body.repo ?? ""));
				const to = store.findRepo(String(body.toOwner ?? ""), String(body.toRepo ?? ""));
				if (!from || !to || from === to) return badRequest(ctx, "owner/repo and toOwner/toRepo must be two repositories of stand-in users");
				if (body.toPrivate === true) store.setPrivate(to, true);
				const moved = store.transferIssue(from, Number(body.number), to);
				if (!moved) return badRequest(ctx, `${from.full_name} has no issue ${String(body.number)}`);
				sendJson(ctx.res, 201, { number: moved.number, repositoryId: to.id });
			},
		],
		["GET", "/faults", ({ res, url }) => sendJson(res, 200, { faults: faults.get(url.searchParams.get("login") ?? undefined) })],
		[
			// The fault schedule for REST API calls: everyone's, or one login's (`login`).
			"POST",
			"/faults",
			(ctx) => {
				const { login, ...fields } = input(ctx);
				if (login !== undefined && !userOrFail(ctx, login)) return;
				const parsed = parseFaultSchedule(fields);
				if ("error" in parsed) return badRequest(ctx, parsed.error);
				faults.set(parsed.schedule, typeof login === "string" ? login : undefined);
				sendJson(ctx.res, 200, { faults: parsed.schedule });
			},
		],
		[
			"DELETE",
			"/faults",
			({ res, url }) => {
				faults.clear(url.searchParams.get("login") ?? undefined);
				sendJson(res, 204);
			},
		],
		[
			// The API requests "GitHub" answered, optionally only one token's (?token=…).
			"GET",
			"/requests",
			({ res, url }) => {
				const only = url.searchParams.get("token");
				const requests = store.requestLog.filter((entry) => !only || entry.token === only).map(({ token: _token, ...entry }) => entry);
				sendJson(res, 200, { requests });
			},
		],
		[
			// The writes that reached the REST API, by repository (?repo=owner/name) or token (?token=…).
			"GET",
			"/writes",
			({ res, url }) => {
				const repo = url.searchParams.get("repo")?.toLowerCase();
				const token = url.searchParams.get("token");
				const writes = store.writeLog
					.filter((entry) => (!repo || entry.repo?.toLowerCase() === repo) && (!token || entry.token === token))
					.map(({ token: _token, ...entry }) => entry);
				sendJson(res, 200, { writes });
			},
		],
		["GET", "/presented-tokens", ({ res }) => sendJson(res, 200, { tokens: store.presentedTokens })],
		["*", "/health", ({ res }) => sendJson(res, 200, { ok: true })],
		["*", "/{rest*}", ({ res }) => sendJson(res, 404, { message: "no such stand-in control endpoint" })],
	];
	return table.map(([method, pattern, handler]) => ({ method, pattern: `/_standin${pattern}`, handler }));
}

/** A user as the control endpoints return it. @param {import("./store.mjs").Store} store @param {import("./seed.mjs").User} user */
function publicUser(store, user) {
	return { id: user.id, login: user.login, name: user.name, email: user.emails[0]?.email ?? null, orgs: store.orgsOf(user) };
}
