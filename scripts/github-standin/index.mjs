// @ts-check
/**
 * The GitHub development stand-in: a small HTTP server on loopback that speaks GitHub's OAuth
 * web flow (/login/oauth/authorize, /login/oauth/access_token), for an OAuth App and a GitHub App,
 * and the REST endpoints the tools use, under /api/v3 as on GitHub Enterprise Server. `npm start`
 * uses it when no GitHub OAuth App is configured, and the tests use it because GitHub is not
 * reachable from CI.
 *
 * A development and test tool: never bundled into the Worker, which sees it only through
 * GITHUB_BASE_URL and GITHUB_API_URL. Node built-ins only; all state in memory, per instance.
 *
 *   seed.mjs     fixed seed data            store.mjs    users, repositories, issues, logs
 *   oauth.mjs    sign-in and token endpoint  tokens.mjs   token lifetimes and rotation
 *   rest.mjs     REST routes                 api.mjs      what every REST call goes through
 *   faults.mjs   fault injection             control.mjs  /_standin/* for tests
 *   http.mjs     the router and HTTP helpers
 */
import { createServer } from "node:http";
import { controlRoutes } from "./control.mjs";
import { createFaultInjector } from "./faults.mjs";
import { createRouter, parseRequestTarget, readBody, renderPage, sendHtml } from "./http.mjs";
import { oauthRoutes } from "./oauth.mjs";
import { restRoutes } from "./rest.mjs";
import { DEFAULT_CLIENTS, DEFAULT_INSTALLATIONS } from "./seed.mjs";
import { createStore } from "./store.mjs";
import { createTokenStore } from "./tokens.mjs";

/**
 * What every route factory gets: one instance's state.
 * @typedef {{
 *   store: import("./store.mjs").Store,
 *   tokens: import("./tokens.mjs").TokenStore,
 *   faults: ReturnType<typeof createFaultInjector>,
 *   clients: import("./oauth.mjs").Client[],
 * }} StandInState
 */

/**
 * @typedef {{
 *   port?: number,
 *   host?: string,
 *   clientId?: string,
 *   clientSecret?: string,
 *   appClientId?: string,
 *   appClientSecret?: string,
 *   appSlug?: string,
 *   appAccessTokenTtlSeconds?: number,
 *   appRefreshTokenTtlSeconds?: number,
 *   appInstallations?: string[],
 *   log?: boolean,
 * }} StandInOptions
 */

/**
 * Starts a stand-in. `clientId`/`clientSecret` are its OAuth App, `appClientId`/`appClientSecret`
 * its GitHub App (`appSlug` its URL name), whose user tokens live `appAccessTokenTtlSeconds` (GitHub: 8 hours) and refresh
 * tokens `appRefreshTokenTtlSeconds` (GitHub: 6 months), and which is installed on the accounts
 * in `appInstallations` (default: octocat's).
 * @param {StandInOptions} [options]
 */
export async function startGithubStandIn(options = {}) {
	const {
		port = 0,
		host = "127.0.0.1",
		clientId = DEFAULT_CLIENTS.oauth.clientId,
		clientSecret = DEFAULT_CLIENTS.oauth.clientSecret,
		appClientId = DEFAULT_CLIENTS.app.clientId,
		appClientSecret = DEFAULT_CLIENTS.app.clientSecret,
		appSlug = DEFAULT_CLIENTS.app.slug,
		appInstallations = DEFAULT_INSTALLATIONS,
		log = false,
	} = options;
	/** @type {StandInState} */
	const state = {
		store: createStore({ installations: appInstallations }),
		tokens: createTokenStore({
			...(options.appAccessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.appAccessTokenTtlSeconds }),
			...(options.appRefreshTokenTtlSeconds === undefined ? {} : { refreshTokenTtlSeconds: options.appRefreshTokenTtlSeconds }),
		}),
		faults: createFaultInjector(),
		clients: [
			{ kind: "oauth", clientId, clientSecret },
			{ kind: "app", clientId: appClientId, clientSecret: appClientSecret, slug: appSlug },
		],
	};
	const router = createRouter([
		...oauthRoutes(state),
		...controlRoutes(state),
		...restRoutes(state),
		{
			method: "GET",
			pattern: "/",
			handler: ({ res }) =>
				sendHtml(
					res,
					200,
					renderPage(
						"GitHub development stand-in",
						"<h1>GitHub development stand-in</h1><p>Serves GitHub's OAuth web flow and a few REST endpoints (under <code>/api/v3</code>) for local development and tests.</p>",
					),
				),
		},
	]);
	/** @type {Set<import("node:net").Socket>} */
	const sockets = new Set();

	const server = createServer(async (req, res) => {
		try {
			const body = await readBody(req);
			const url = parseRequestTarget(req.url ?? "/", state.store.baseUrl);
			if (!url) return sendHtml(res, 400, renderPage("Bad request", "<h1>Bad request</h1>"));
			if (log) console.log(`[github-standin] ${req.method} ${url.pathname}`);
			const match = router.match(req.method ?? "GET", url.pathname);
			if (!match) return sendHtml(res, 404, renderPage("Not found", "<h1>Not found</h1>"));
			await match.handler({ req, res, url, params: match.params, body });
		} catch (error) {
			if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
			res.end("stand-in error");
			if (log) console.error(`[github-standin] error: ${error instanceof Error ? error.name : error}`);
		}
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
	const baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;
	state.store.baseUrl = baseUrl;

	return {
		baseUrl,
		apiUrl: `${baseUrl}/api/v3`,
		/** The OAuth App's credentials. */
		clientId,
		clientSecret,
		/** The GitHub App's credentials: expiring `ghu_` user tokens with rotating `ghr_` refresh tokens. */
		appClientId,
		appClientSecret,
		/** The GitHub App's URL name (GITHUB_APP_SLUG): its installation page is /apps/<slug>/installations/new. */
		appSlug,
		port: boundPort,
		/** Stops listening and drops every connection, including requests a fault keeps hanging. */
		close() {
			return new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve(undefined));
			});
		},
	};
}

// CLI: `node scripts/github-standin/index.mjs [--port N]`
if (import.meta.url === `file://${process.argv[1]}`) {
	const index = process.argv.indexOf("--port");
	const port = index > 0 ? Number(process.argv[index + 1]) : 8789;
	const standIn = await startGithubStandIn({ port, log: true });
	console.log(
		[
			`GitHub development stand-in: ${standIn.baseUrl} (API ${standIn.apiUrl})`,
			`  OAuth App:  client id ${standIn.clientId}, client secret ${standIn.clientSecret}`,
			`  GitHub App: client id ${standIn.appClientId}, client secret ${standIn.appClientSecret}, slug ${standIn.appSlug}`,
		].join("\n"),
	);
	for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
		process.on(signal, () => void standIn.close().then(() => process.exit(0)));
	}
}
