/**
 * `npm run test:load`: the load-and-fault run (test/load/), against a real `wrangler dev` pointed at
 * the GitHub stand-in, on loopback only. Kept apart from `npm test` and the client tests: it keeps
 * the machine busy for about two minutes, and it is the only thing that should run meanwhile.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		name: "load",
		globalSetup: ["test/global-setup.ts"],
		include: ["test/load/**/*.test.ts"],
		environment: "node",
		fileParallelism: false,
		testTimeout: 240_000,
		hookTimeout: 120_000,
	},
});
