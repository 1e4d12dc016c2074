/**
 * The test projects of `npm test`, all offline:
 * - `worker`: inside workerd (@cloudflare/vitest-plugin) with the real KV and Durable Objects,
 *   configured from wrangler.jsonc and pointed at the local GitHub stand-in. It runs the sources
 *   (src/index.ts) through Vite, without the build's module substitutions (scripts/build/levers.mjs):
 *   its test clients use the MCP SDK v2 client, which the build stubs out of the Worker.
 * - `github-app`: the same, signing in through the stand-in's GitHub App (expiring tokens).
 * - `seam`: the same, with another identity provider swapped in at src/upstream/index.ts.
 * - `authless`: the authless variant, from wrangler.authless.jsonc.
 * - `node`: end-to-end tests that drive a real `wrangler dev` with real MCP clients, the
 *   stand-in's own tests, and the README's tables against the code (test/docs). `wrangler dev`
 *   runs the build that ships (scripts/build/).
 * test/global-setup.ts starts one GitHub stand-in for the run.
 */
import { resolve } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type Plugin } from "vitest/config";

/**
 * The identity provider seam, tested: swaps the one module that selects the provider
 * (src/upstream/index.ts) for `replacement`, and nothing else, in one test project's build.
 */
function swapIdentityProvider(replacement: string): Plugin {
	const selection = resolve("src/upstream/index.ts");
	return {
		name: "swap-identity-provider",
		enforce: "pre",
		async resolveId(source, importer, options) {
			const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
			return resolved?.id === selection ? resolve(replacement) : null;
		},
	};
}

const TEST_SESSION_SECRET = "test-only-0123456789abcdef0123456789abcdef";

/** The plugin's Miniflare options (its options type is not exported; derived from its signature). */
type MiniflareOptions = NonNullable<Exclude<Parameters<typeof cloudflareTest>[0], (...args: never[]) => unknown>["miniflare"]>;

/** The Worker of wrangler.jsonc run from its sources (not its `main`, the build's output), with these Miniflare options. */
function workerFromSources(miniflare: MiniflareOptions) {
	return { main: "./src/index.ts", wrangler: { configPath: "./wrangler.jsonc" }, miniflare };
}

/**
 * wrangler.jsonc declares required secrets, and wrangler reads secrets from .dev.vars, .env or the
 * environment (never from bindings), warning about each missing one. A project that runs alone
 * puts these there only to quiet that warning (??=: another project's values win); its bindings
 * are what its tests use.
 */
function quietRequiredSecrets(values: Record<string, string>): void {
	for (const [name, value] of Object.entries(values)) process.env[name] ??= value;
}

export default defineConfig({
	test: {
		globalSetup: ["test/global-setup.ts"],
		projects: [
			{
				plugins: [
					cloudflareTest(({ inject }) => {
						const standIn = inject("githubStandIn");
						const secrets = {
							GITHUB_CLIENT_ID: standIn.clientId,
							GITHUB_CLIENT_SECRET: standIn.clientSecret,
							SESSION_SECRET: TEST_SESSION_SECRET,
						};
						// wrangler.jsonc declares these as required secrets, and wrangler reads secrets from
						// .dev.vars, .env or the environment (never from bindings) and warns about each
						// missing one: provide them where it looks. The bindings below are what the tests use.
						Object.assign(process.env, secrets);
						return workerFromSources({
							bindings: {
								...secrets,
								GITHUB_BASE_URL: standIn.baseUrl,
								GITHUB_API_URL: standIn.apiUrl,
								// The tests serve the Worker on several example.com hostnames.
								ALLOWED_HOSTS: "*.example.com",
								// The write tools are limited to members of octo-org (octocat is one; hubot is not).
								ALLOWED_GITHUB_ORGS: "octo-org",
								// And to these logins, which no stand-in user has: guard.test.ts gives them to
								// accounts of its own to show a login held by the account that first used it.
								ALLOWED_GITHUB_LOGINS: "Pin-Legacy-Mcp,Pin-Legacy-Sse,Pin-Modern",
							},
							ratelimits: {
								// A limit small and short enough to exhaust and outlast in a test
								// (test/worker/limits.test.ts swaps it in for TOOL_CALL_RATE_LIMITER).
								TEST_TOOL_CALL_RATE_LIMITER: { namespace_id: "7299", simple: { limit: 3, period: 10 } },
								// The real one, raised: the files run in parallel and several sign in as
								// octocat, so wrangler.jsonc's 120 a minute would be shared between them.
								TOOL_CALL_RATE_LIMITER: { namespace_id: "7202", simple: { limit: 10_000, period: 60 } },
							},
						});
					}),
				],
				test: { name: "worker", include: ["test/worker/**/*.test.ts"] },
			},
			{
				// The same Worker signing in through the stand-in's GitHub App (GITHUB_APP_SLUG set):
				// expiring user tokens refreshed behind the scenes, installations. A project of its own
				// because the Durable Objects (the grant's GrantStore refreshes) read the same settings
				// as the Worker, as in a deployment: an env override per request cannot reach them.
				plugins: [
					cloudflareTest(({ inject }) => {
						const standIn = inject("githubStandIn");
						quietRequiredSecrets({
							GITHUB_CLIENT_ID: standIn.appClientId,
							GITHUB_CLIENT_SECRET: standIn.appClientSecret,
							SESSION_SECRET: TEST_SESSION_SECRET,
						});
						return workerFromSources({
							bindings: {
								GITHUB_CLIENT_ID: standIn.appClientId,
								GITHUB_CLIENT_SECRET: standIn.appClientSecret,
								GITHUB_APP_SLUG: standIn.appSlug,
								GITHUB_BASE_URL: standIn.baseUrl,
								GITHUB_API_URL: standIn.apiUrl,
								SESSION_SECRET: TEST_SESSION_SECRET,
								ALLOWED_HOSTS: "*.example.com",
							},
							// Every test registers its own client from the same address; the
							// registration limit is the worker project's to test.
							ratelimits: { REGISTRATION_RATE_LIMITER: { namespace_id: "7201", simple: { limit: 1000, period: 60 } } },
						});
					}),
				],
				test: { name: "github-app", include: ["test/github-app/**/*.test.ts"], testTimeout: 30_000 },
			},
			{
				// The identity provider seam: the same Worker with a test-only OpenID Connect-like
				// provider selected instead of GitHub (test/seam/oidc-provider.ts, against the stand-in
				// in test/seam/oidc-standin.ts). Only src/upstream/index.ts is swapped; the provider's
				// settings are bindings, as they would be vars and secrets; no GitHub credentials.
				plugins: [
					swapIdentityProvider("test/seam/oidc-provider.ts"),
					cloudflareTest(({ inject }) => {
						const oidc = inject("oidcStandIn");
						// wrangler.jsonc still requires GitHub's secrets (a real swap changes that list, see
						// README) and reads them from the environment, where another project may have put
						// them: the bindings below override them with empty values, so nothing here has
						// GitHub credentials.
						quietRequiredSecrets({
							GITHUB_CLIENT_ID: "not-used-by-the-seam-project",
							GITHUB_CLIENT_SECRET: "not-used-by-the-seam-project",
							SESSION_SECRET: TEST_SESSION_SECRET,
						});
						return workerFromSources({
							bindings: {
								GITHUB_CLIENT_ID: "",
								GITHUB_CLIENT_SECRET: "",
								OIDC_ISSUER: oidc.issuer,
								OIDC_CLIENT_ID: oidc.clientId,
								OIDC_CLIENT_SECRET: oidc.clientSecret,
								SESSION_SECRET: TEST_SESSION_SECRET,
								ALLOWED_HOSTS: "*.example.com",
							},
							ratelimits: { REGISTRATION_RATE_LIMITER: { namespace_id: "7201", simple: { limit: 1000, period: 60 } } },
						});
					}),
				],
				test: {
					name: "seam",
					include: ["test/seam/**/*.test.ts"],
					exclude: ["test/seam/**/*.node.test.ts"],
					globalSetup: ["test/seam/global-setup.ts"],
				},
			},
			{
				// The authless variant, from its own wrangler configuration.
				plugins: [
					cloudflareTest({
						// Its sources, not its `main` (the build's output).
						main: "./src/authless.ts",
						wrangler: { configPath: "./wrangler.authless.jsonc" },
						// The tests serve it on public.example.com (test/authless/).
						miniflare: { bindings: { ALLOWED_HOSTS: "public.example.com" } },
					}),
				],
				test: { name: "authless", include: ["test/authless/**/*.test.ts"] },
			},
			{
				test: {
					name: "node",
					include: ["test/e2e/**/*.test.ts", "test/standin/**/*.test.ts", "test/seam/**/*.node.test.ts", "test/docs/**/*.test.ts"],
					environment: "node",
					testTimeout: 60_000,
					hookTimeout: 120_000,
				},
			},
		],
	},
});
