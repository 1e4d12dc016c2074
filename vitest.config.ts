/**
 * Two test projects, both offline:
 * - `worker`: inside workerd (@cloudflare/vitest-plugin) with the real KV and Durable Object,
 *   configured from wrangler.jsonc and pointed at the local GitHub stand-in. It runs the sources
 *   (src/index.ts) through Vite, without the build's module substitutions (scripts/build/levers.mjs):
 *   its test clients use the MCP SDK v2 client, which the build stubs out of the Worker.
 * - `node`: end-to-end tests that drive a real `wrangler dev` with real MCP clients, and the
 *   stand-in's own tests. `wrangler dev` runs the build that ships (scripts/build/).
 * test/global-setup.ts starts one GitHub stand-in for the run.
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		globalSetup: ["test/global-setup.ts"],
		projects: [
			{
				plugins: [
					cloudflareTest(({ inject }) => {
						const standIn = inject("githubStandIn");
						return {
							// The sources, not wrangler.jsonc's `main` (the build's output).
							main: "./src/index.ts",
							wrangler: { configPath: "./wrangler.jsonc" },
							miniflare: {
								bindings: {
									GITHUB_CLIENT_ID: standIn.clientId,
									GITHUB_CLIENT_SECRET: standIn.clientSecret,
									GITHUB_BASE_URL: standIn.baseUrl,
									GITHUB_API_URL: standIn.apiUrl,
									SESSION_SECRET: "test-only-0123456789abcdef0123456789abcdef",
									// The tests serve the Worker on several example.com hostnames.
									ALLOWED_HOSTS: "*.example.com",
									// The write tools are limited to members of octo-org (octocat is one; hubot is not).
									ALLOWED_GITHUB_ORGS: "octo-org",
								},
							},
						};
					}),
				],
				test: { name: "worker", include: ["test/worker/**/*.test.ts"] },
			},
			{
				// The authless variant, from its own wrangler configuration.
				plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.authless.jsonc" } })],
				test: { name: "authless", include: ["test/authless/**/*.test.ts"] },
			},
			{
				test: {
					name: "node",
					include: ["test/e2e/**/*.test.ts", "test/standin/**/*.test.ts"],
					environment: "node",
					testTimeout: 60_000,
					hookTimeout: 120_000,
				},
			},
		],
	},
});
