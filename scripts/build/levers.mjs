// @ts-check
/**
 * The build levers: module substitutions that keep code this server never runs out of the Worker.
 * Each one names what it replaces, with what, why that is safe here, and what it costs if it is
 * wrong. `npm run bench -- --levers` builds the Worker with each lever left out in turn and
 * measures what it buys (BENCHMARKS.md); scripts/build/index.mjs applies all of them.
 *
 * A substitution matches an import specifier exactly, optionally only from importers inside some
 * package (`from`): unlike wrangler's `alias` (bare specifiers, any importer), this also reaches
 * a package's relative imports, such as zod's `../locales/index.js`.
 *
 * Stubs live in src/stubs/. The end-to-end and real-client suites run this build under
 * `wrangler dev`; the workerd suite runs the sources through Vite without these substitutions
 * (it uses the real MCP SDK v2 client, which one of them removes).
 */

/**
 * @typedef {{ specifier: string, from?: RegExp, to: string }} Substitution
 * @typedef {{ id: string, title: string, removes: string, risk: string, substitutions: Substitution[], undo?: Substitution[] }} Lever
 */

/** @type {readonly Lever[]} */
export const LEVERS = [
	{
		id: "mimetext",
		title: "agents' e-mail replies (`mimetext`) → stub",
		removes: "mimetext and its ~130 KiB MIME database, loaded by agents only to send e-mail replies",
		risk: "none here: this server sends no e-mail; a call would throw a clear error",
		substitutions: [{ specifier: "mimetext", to: "src/stubs/mimetext.ts" }],
	},
	{
		id: "mcp-client",
		title: "agents' MCP client (`@modelcontextprotocol/client`) → stub",
		removes: "the MCP SDK v2 client, which agents loads to connect agents to other MCP servers",
		risk: "none here: this server connects to no MCP server; a call would throw a clear error",
		substitutions: [
			{ specifier: "@modelcontextprotocol/client", to: "src/stubs/mcp-client.ts" },
			{ specifier: "@modelcontextprotocol/client/validators/cf-worker", to: "src/stubs/mcp-client.ts" },
		],
	},
	{
		id: "agents-v2-server",
		title: "agents' imports of the MCP SDK v2 server → stub",
		removes:
			"agents' own reach into `@modelcontextprotocol/server` (its `createMcpHandler` and an `instanceof` check for v2 servers), so the SDK v2 server is reached only by our 2026-07-28 lane and can load lazily",
		risk: "low: our McpAgent runs an SDK v1 server; agents' `createMcpHandler` is unused (the stateless lane calls the SDK's own handler)",
		substitutions: [{ specifier: "@modelcontextprotocol/server", from: /\/node_modules\/agents\//, to: "src/stubs/mcp-server-v2.ts" }],
	},
];

/** @param {string} id */
export function leverById(id) {
	const lever = LEVERS.find((candidate) => candidate.id === id);
	if (!lever) throw new Error(`unknown build lever "${id}"; known: ${LEVERS.map((known) => known.id).join(", ")}`);
	return lever;
}
