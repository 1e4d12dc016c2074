/**
 * `npm run test:clients`: the real MCP clients people use, driven against a real `wrangler dev`
 * (pointed at the GitHub stand-in) with a real headless Chromium approving the consent page:
 * the MCP Inspector CLI, mcp-remote (as Claude Desktop starts it), the newest MCP client
 * library, and the consent and error pages in the browser. Kept apart from `npm test` because
 * each file starts its own server and browser. Files run one at a time: each drives several
 * processes, and CI machines have two cores.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		name: "clients",
		globalSetup: ["test/global-setup.ts"],
		include: ["test/clients/**/*.test.ts"],
		environment: "node",
		fileParallelism: false,
		testTimeout: 90_000,
		hookTimeout: 120_000,
	},
});
