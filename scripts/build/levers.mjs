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
 * A lever is either a set of substitutions the build makes, or (`inSource`) a change in the sources
 * whose `undo` substitutions rebuild the code as it was, for measuring it.
 * @typedef {{ id: string, title: string, removes: string, risk: string, substitutions: Substitution[], inSource?: boolean, undo?: Substitution[] }} Lever
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
	{
		id: "zod-locales",
		title: "zod's error-message locales → English only",
		removes: "zod's 48 non-English locales, which `export * as locales` puts in every bundle that imports `z`",
		risk: "none here: zod's default (English) messages are unchanged; `z.locales` keeps only `en`",
		substitutions: [{ specifier: "../locales/index.js", from: /\/node_modules\/zod\/v4\//, to: "src/stubs/zod-locales.ts" }],
	},
	{
		id: "zod-compile",
		title: "zod's ahead-of-time compiler (`z.compile`) → stub",
		removes: "zod's opt-in compiler, which generates parsers with `new Function` (forbidden in Workers) and which nothing here calls",
		risk: "low: `z.compile()` still returns the schema on zod's runtime parser, as zod does wherever code generation is unavailable",
		substitutions: [{ specifier: "./compile.js", from: /\/node_modules\/zod\/v4\/core\//, to: "src/stubs/zod-compile.ts" }],
	},
	{
		id: "ajv",
		title: "MCP SDK v1's JSON Schema validator: Ajv → @cfworker/json-schema",
		removes:
			"Ajv, ajv-formats and fast-uri, the SDK v1 server's default validator (created with every McpServer); the replacement is the SDK v2 server's own @cfworker/json-schema validator, already in the bundle",
		risk: "none at run time: Ajv compiles schemas with `new Function`, which Workers forbid, so it could never validate here; agents' McpAgent sends elicitations itself and never reaches it",
		substitutions: [
			{
				specifier: "../validation/ajv-provider.js",
				from: /\/node_modules\/@modelcontextprotocol\/sdk\//,
				to: "src/stubs/sdk-v1-validator.ts",
			},
		],
	},
	{
		id: "zod-v3",
		title: "MCP SDK v1's zod 3 support (`zod/v3`, zod-to-json-schema) → stubs",
		removes: "zod's v3 compatibility layer and zod-to-json-schema, used by SDK v1 only for schemas written with zod 3",
		risk: "low: every schema here is zod 4 (src/mcp/define.ts); a zod 3 schema would fail at registration with a clear error",
		substitutions: [
			{ specifier: "zod/v3", from: /\/node_modules\/@modelcontextprotocol\/sdk\//, to: "src/stubs/zod-v3.ts" },
			{ specifier: "zod-to-json-schema", from: /\/node_modules\/@modelcontextprotocol\/sdk\//, to: "src/stubs/zod-to-json-schema.ts" },
		],
	},
	{
		id: "capnweb",
		title: "agents' Cap'n Web RPC (`capnweb`) → stub",
		removes: "capnweb, agents' RPC-over-WebSocket transport for `@callable` methods",
		risk: "low: this server's agents are reached only over MCP (/mcp, /sse); a Cap'n Web upgrade would fail with a clear error",
		substitutions: [{ specifier: "capnweb", from: /\/node_modules\/agents\//, to: "src/stubs/capnweb.ts" }],
	},
	{
		id: "lazy-2026-lane",
		title: "the 2026-07-28 lane (MCP SDK v2 server) loads on first use",
		removes:
			"nothing from the bundle (esbuild's lazy-init wrappers add a little): it moves the SDK v2 server's load, its protocol schemas included, from every isolate's start-up to the first /mcp request",
		risk: "none in behaviour (the same modules run); the first /mcp request of an isolate pays the load",
		inSource: true,
		substitutions: [],
		undo: [{ specifier: "../lanes/load-modern", from: /\/src\/mcp\/guard\//, to: "bench/variants/eager-modern-lane.ts" }],
	},
];

/** @param {string} id */
export function leverById(id) {
	const lever = LEVERS.find((candidate) => candidate.id === id);
	if (!lever) throw new Error(`unknown build lever "${id}"; known: ${LEVERS.map((known) => known.id).join(", ")}`);
	return lever;
}
