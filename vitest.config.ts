/**
 * Two test projects, both offline:
 * - `worker`: inside workerd (@cloudflare/vitest-plugin) with the real KV and Durable Object,
 *   configured from wrangler.jsonc and pointed at the local GitHub stand-in.
 * - `node`: end-to-end tests that drive a real `wrangler dev` with real MCP clients, and the
 *   stand-in's own tests.
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
								// A tool-call limit small and short enough to exhaust and outlast in a test
								// (test/worker/limits.test.ts swaps it in for TOOL_CALL_RATE_LIMITER).
								ratelimits: { TEST_TOOL_CALL_RATE_LIMITER: { namespace_id: "7299", simple: { limit: 3, period: 10 } } },
							},
						};
					}),
				],
				test: { name: "worker", include: ["test/worker/**/*.test.ts"] },
			},
			{
				// The authless variant, from its own wrangler configuration.
				plugins: [
					cloudflareTest({
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
					include: ["test/e2e/**/*.test.ts", "test/standin/**/*.test.ts"],
					environment: "node",
					testTimeout: 60_000,
					hookTimeout: 120_000,
				},
			},
		],
	},
});
