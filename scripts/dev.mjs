// @ts-check
/**
 * `npm start` / `npm run dev`: the Worker on http://localhost:8788, offline.
 *
 * With a GitHub OAuth App in .dev.vars (GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET), it runs
 * `wrangler dev` against real GitHub. Without one, it starts the local GitHub development
 * stand-in (scripts/github-standin/) and points the Worker at it, so the whole sign-in works
 * with nothing configured. A missing SESSION_SECRET is generated for this run only; the old name
 * COOKIE_ENCRYPTION_KEY in .dev.vars is still read as SESSION_SECRET.
 *
 * Everything in .dev.vars, and what this script adds, reaches wrangler as one generated env file
 * (scripts/wrangler-dev.mjs explains why), so wrangler has nothing to warn about.
 *
 * The stand-in signs in through its OAuth App by default; GITHUB_STANDIN_MODE=github-app uses its
 * GitHub App instead (expiring user tokens with refresh tokens, repositories where it is installed).
 */
import { randomBytes } from "node:crypto";
import { startGithubStandIn } from "./github-standin/index.mjs";
import { readDevVars, spawnWranglerDev } from "./wrangler-dev.mjs";

// `npm run dev:authless`: the authless variant (wrangler.authless.jsonc), no sign-in, no stand-in.
if (process.argv.includes("--authless")) {
	const port = Number(process.env.PORT || 8787);
	console.log(`\n  Authless MCP server (no sign-in): http://localhost:${port}/mcp\n`);
	const child = spawnWranglerDev({ port, extraArgs: ["-c", "wrangler.authless.jsonc"] });
	child.on("exit", (code) => process.exit(code ?? 0));
	for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => child.kill(signal));
	await new Promise(() => {});
}

const PORT = Number(process.env.PORT || 8788);
const STAND_IN_PORT = Number(process.env.GITHUB_STANDIN_PORT || 8789);
const STAND_IN_MODES = ["oauth-app", "github-app"];
const STAND_IN_MODE = process.env.GITHUB_STANDIN_MODE || "oauth-app";
if (!STAND_IN_MODES.includes(STAND_IN_MODE)) {
	console.error(`GITHUB_STANDIN_MODE must be one of ${STAND_IN_MODES.join(", ")} (or unset for oauth-app); it is "${STAND_IN_MODE}".`);
	process.exit(1);
}

/** Values copied from .dev.vars.example are placeholders, not an OAuth App. */
const isPlaceholder = (/** @type {string | undefined} */ value) => !value || /^<.*>$/.test(value) || /^your[-_]/i.test(value);

// DEV_VARS_FILE lets the tests run `npm start` as a newcomer would, with no .dev.vars.
const devVars = readDevVars(process.env.DEV_VARS_FILE);
/** Every setting the Worker gets: .dev.vars as written, then what this script decides. @type {Record<string, string>} */
const vars = Object.fromEntries(Object.entries(devVars).filter(([, value]) => !isPlaceholder(value)));
/** @type {{ close(): Promise<void> } | undefined} */
let standIn;

if (isPlaceholder(devVars.GITHUB_CLIENT_ID) || isPlaceholder(devVars.GITHUB_CLIENT_SECRET)) {
	const started = await startGithubStandIn({ port: STAND_IN_PORT });
	standIn = started;
	const asGithubApp = STAND_IN_MODE === "github-app";
	Object.assign(vars, {
		GITHUB_CLIENT_ID: asGithubApp ? started.appClientId : started.clientId,
		GITHUB_CLIENT_SECRET: asGithubApp ? started.appClientSecret : started.clientSecret,
		GITHUB_BASE_URL: started.baseUrl,
		GITHUB_API_URL: started.apiUrl,
		// App mode (no OAuth scopes asked for, links to the app's installation page) follows the slug.
		...(asGithubApp ? { GITHUB_APP_SLUG: started.appSlug } : {}),
	});
	console.log(
		[
			"",
			"  No GitHub OAuth App in .dev.vars: signing in through the local GitHub development stand-in",
			`  at ${started.baseUrl} (test users, no real GitHub account). To use real GitHub, copy`,
			"  .dev.vars.example to .dev.vars and fill in your OAuth App (see README).",
			asGithubApp
				? "  GITHUB_STANDIN_MODE=github-app: the stand-in's GitHub App client (expiring user tokens, refresh tokens)."
				: "  The stand-in's OAuth App client (GITHUB_STANDIN_MODE=github-app for its GitHub App).",
			"",
		].join("\n"),
	);
} else {
	console.log("\n  Using the GitHub OAuth App from .dev.vars.\n");
}

// SESSION_SECRET was called COOKIE_ENCRYPTION_KEY before 0.2: an old .dev.vars keeps working.
if (isPlaceholder(vars.SESSION_SECRET) && !isPlaceholder(vars.COOKIE_ENCRYPTION_KEY)) {
	vars.SESSION_SECRET = vars.COOKIE_ENCRYPTION_KEY ?? "";
	console.log("  .dev.vars: using COOKIE_ENCRYPTION_KEY as SESSION_SECRET (its new name; rename it when convenient).");
}
delete vars.COOKIE_ENCRYPTION_KEY;
if (isPlaceholder(vars.SESSION_SECRET)) {
	vars.SESSION_SECRET = randomBytes(32).toString("hex");
}

// workerd (local development) does not implement Durable Object jurisdictions; they apply on Cloudflare.
vars.MCP_JURISDICTION = "";

console.log(`  MCP server: http://localhost:${PORT}/mcp (Streamable HTTP), http://localhost:${PORT}/sse (SSE)\n`);

const wrangler = spawnWranglerDev({ port: PORT, settings: vars });

async function shutdown(/** @type {number} */ code) {
	await standIn?.close().catch(() => {});
	process.exit(code);
}
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
	process.on(signal, () => {
		wrangler.kill(signal);
	});
}
wrangler.on("exit", (code) => void shutdown(code ?? 0));
