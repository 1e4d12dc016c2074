/**
 * The path-segment attack class: an argument such as `..`, `%2e%2e` or `a/b` must never move a
 * tool's GitHub request to another endpoint (fetch resolves dot segments, so /repos/{owner}/..
 * would become /repos with the user's token). Two independent defences stop it: the argument
 * schemas (src/github/names.ts) and the GitHub client's path check (assertSafePath in
 * src/github/client.ts). This file shows each one on its own, in a unit table, and both together
 * at the tool level over both lanes, with the stand-in's request log as the witness. The GitHub
 * client's other behaviour (the timeout, the retry after a 401) is in github-client.test.ts.
 */
import { Octokit } from "@octokit/core";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { assertSafePath, createGithubClient, UnsafeGithubPathError } from "../../src/github/client";
import { GitRef, isAccountName, isRepositoryName, isRepositoryPath } from "../../src/github/names";
import type { Caller } from "../../src/mcp/caller";
import type { ToolContext, ToolDefinition } from "../../src/mcp/define";
import { TOOLS } from "../../src/mcp/registry";
import { ALL_MCP_SCOPES } from "../../src/scopes";
import { resultText } from "../support/mcp-wire";
import { githubRequests, githubWrites, mintGithubToken } from "../support/standin";
import { exampleArguments } from "../support/tool-examples";
import { grantProps, OCTOCAT } from "../support/users";
import { acceptAsShown, connect, issueToken, LANES, newUser, standIn } from "./harness";

// Several tests loop over real MCP round trips, which slow down when other test files run alongside.
vi.setConfig({ testTimeout: 30_000 });

/** The attack class, by name: each is tried in every owner, repo and path argument of every tool. */
const ATTACKS: Record<string, string> = {
	dot: ".",
	"dot dot": "..",
	"encoded dot dot": "%2e%2e",
	"mixed-case encoded dots": "%2E.",
	"dot dot encoded slash": "..%2f",
	"dot dot slash": "../user",
	slash: "a/b",
	backslash: "a\\b",
	"NUL byte": "a\u0000b",
	newline: "a\nb",
	DEL: "a\u007fb",
	"over-long name": "x".repeat(101),
	"over-long path": `${"x/".repeat(512)}x`,
	"fullwidth dots": "\uFF0E\uFF0E",
	"one-dot leaders": "\u2024\u2024",
	"two-dot leader": "\u2025",
	"empty part": "a//b",
	"query in a segment": "a?b=1",
	"fragment in a segment": "a#b",
};

/** Whether fetch (WHATWG URL) would move a request for this raw path, or the path holds a dot segment once decoded. */
function wouldMove(url: string): boolean {
	const raw = /^[a-z]+:\/\/[^/]+(\/[^?#]*)?/i.exec(url)?.[1] ?? "/";
	if (new URL(url).pathname !== raw) return true;
	return raw.split("/").some((segment) => {
		try {
			return decodeURIComponent(segment)
				.split(/[/\\]/)
				.some((part) => part === "." || part === "..");
		} catch {
			return true;
		}
	});
}

/** The tools whose arguments name a repository or a path, from the registry. */
const PATH_TOOLS = TOOLS.filter((tool) => "owner" in tool.input || "repo" in tool.input || "path" in tool.input);
const POSITIONS = PATH_TOOLS.flatMap((tool) =>
	(["owner", "repo", "path"] as const).filter((key) => key in tool.input).map((key) => ({ tool, key })),
);

interface Route {
	/** Octokit routes with the tool's owner, repo and path arguments as {owner}, {repo}, {path}. */
	routes: string[];
	/** What the tool's request paths may look like at the stand-in: each argument inside its own segment. */
	intended: RegExp;
	/** The example's arguments, for every argument a test does not replace. */
	base: Record<string, unknown>;
}

const routes = new Map<string, Promise<Route>>();

/**
 * Where a tool sends its requests, learned from its example call (its definition's `example`, run
 * by its handler against the stand-in with a token of its own): each request's path with the
 * tool's owner, repo and path arguments put back as placeholders. Nothing here names a tool, so a
 * new tool is covered by being defined.
 */
function routeOf(tool: ToolDefinition): Promise<Route> {
	let route = routes.get(tool.name);
	if (!route) {
		route = (async () => {
			const token = await mintGithubToken(standIn().baseUrl, "octocat");
			const base = z.object(tool.input).parse(exampleArguments(tool, `scratch-route-${tool.name.replace(/_/g, "-")}`));
			await tool.handler(base as never, directContext(token));
			const requests = await githubRequests(standIn().baseUrl, token);
			if (requests.length === 0) throw new Error(`${tool.name}'s example sent nothing to GitHub`);
			const templates = requests.map((request) => templateOf(request.path.split("?")[0] ?? "", base));
			const alternatives = [...new Set(templates)].map((template) =>
				template
					.replace(/[.*+?^$()|[\]\\]/g, "\\$&")
					.replace(/\{(owner|repo)\}/g, "[^/?]+")
					.replace(/\{path\}/g, "[^/?]*"),
			);
			return {
				routes: requests.map((request, index) => `${request.method} ${templates[index]}`),
				intended: new RegExp(`^(?:${alternatives.join("|")})(\\?|$)`),
				base,
			};
		})();
		routes.set(tool.name, route);
	}
	return route;
}

/** A request path with the values of the owner, repo and path arguments as placeholders. */
function templateOf(path: string, args: Record<string, unknown>): string {
	return path
		.split("/")
		.map((segment) => {
			const value = decodeURIComponent(segment);
			if (value === args.owner) return "{owner}";
			if (value === args.repo) return "{repo}";
			if (typeof args.path === "string" && value === args.path) return "{path}";
			return segment;
		})
		.join("/");
}

/** Valid arguments for `tool` on `owner/repo`, with `key` replaced by `value`. */
async function argsWith(tool: ToolDefinition, owner: string, repo: string, key: string, value: string): Promise<Record<string, unknown>> {
	return { ...(await routeOf(tool)).base, owner, repo, [key]: value };
}

/** The URL Octokit would build for the tool's first request with these arguments. */
async function expandedUrl(tool: ToolDefinition, args: Record<string, unknown>): Promise<string> {
	const [route = ""] = (await routeOf(tool)).routes;
	return new Octokit({ baseUrl: "https://api.github.com" }).request.endpoint(route, args).url;
}

function schemaAccepts(tool: ToolDefinition, args: Record<string, unknown>): boolean {
	return z.object(tool.input).safeParse(args).success;
}

function clientAccepts(url: string): boolean {
	try {
		assertSafePath(url, "");
		return true;
	} catch (error) {
		if (error instanceof UnsafeGithubPathError) return false;
		throw error;
	}
}

describe("names.ts: GitHub's naming rules as argument schemas", () => {
	it.each<[string, boolean]>([
		["octocat", true],
		["octo-org", true],
		["a", true],
		["A1-b2", true],
		["emu_shortcode", true],
		["x".repeat(100), true],
		["x".repeat(101), false],
		["", false],
		["-leading", false],
		[".", false],
		["..", false],
		["a.b", false],
		["a/b", false],
		["a\\b", false],
		["%2e%2e", false],
		["a b", false],
		["a\u0000b", false],
		["\uFF0E\uFF0E", false],
		["octocät", false],
	])("isAccountName(%j) is %s", (value, valid) => {
		expect(isAccountName(value)).toBe(valid);
	});

	it.each<[string, boolean]>([
		["hello-world", true],
		[".github", true],
		["repo.js", true],
		["under_score", true],
		["a..b", true],
		["x".repeat(100), true],
		["x".repeat(101), false],
		["", false],
		[".", false],
		["..", false],
		["...", false],
		["a/b", false],
		["a\\b", false],
		["%2e%2e", false],
		["..%2f", false],
		["a\nb", false],
		["\u2024\u2024", false],
		["\u2025", false],
	])("isRepositoryName(%j) is %s", (value, valid) => {
		expect(isRepositoryName(value)).toBe(valid);
	});

	it.each<[string, boolean]>([
		["", true],
		["/", true],
		["README.md", true],
		["src/index.ts", true],
		["/src/", true],
		[".github/workflows/ci.yml", true],
		["dir/.hidden", true],
		["%2e%2e", true], // a file may be named so: it travels encoded (%252e%252e), never as a dot segment
		["a%2fb", true],
		[".", false],
		["..", false],
		["../secrets", false],
		["a/../b", false],
		["a/./b", false],
		["a//b", false],
		["a\\b", false],
		["a\u0000b", false],
		["a\nb", false],
		["a\u007fb", false],
	])("isRepositoryPath(%j) is %s", (value, valid) => {
		expect(isRepositoryPath(value)).toBe(valid);
	});

	it.each<[string, boolean]>([
		["main", true],
		["v1.0.0", true],
		["feature/x", true],
		["0123456789abcdef0123456789abcdef01234567", true],
		["", false],
		["a..b", false],
		["../main", false],
		["main\u0000", false],
		["x".repeat(256), false],
	])("GitRef accepts %j: %s", (value, valid) => {
		expect(GitRef.safeParse(value).success).toBe(valid);
	});
});

describe("assertSafePath: the GitHub client's own check of every URL it sends", () => {
	it.each<[string, string, boolean]>([
		["https://api.github.com/repos/octocat/hello-world", "", true],
		["https://api.github.com/repos/octocat/hello-world/issues?state=open&labels=a%2Cb", "", true],
		["https://api.github.com/repos/octocat/hello-world/contents/src%2Findex.ts", "", true],
		["https://api.github.com/repos/octocat/.github/contents/.github%2Fworkflows%2Fci.yml", "", true],
		["https://api.github.com/repos/octocat/hello-world/contents/%252e%252e", "", true],
		["http://127.0.0.1:8789/api/v3/repos/octocat/hello-world", "/api/v3", true],
		["https://api.github.com/repos/octocat/..", "", false],
		["https://api.github.com/repos/octocat/.", "", false],
		["https://api.github.com/repos/octocat/%2e%2e", "", false],
		["https://api.github.com/repos/octocat/%2E.", "", false],
		["https://api.github.com/repos/octocat/.%2E/issues", "", false],
		["https://api.github.com/repos/octocat/hello-world/contents/a%2F..%2Fb", "", false],
		["https://api.github.com/repos/octocat/hello-world/contents/..%2Fsecrets", "", false],
		["https://api.github.com/repos/octocat/a%5Cb", "", false],
		["https://api.github.com/repos/octocat/a%00b", "", false],
		["https://api.github.com/repos/octocat/a%0Ab", "", false],
		["https://api.github.com/repos//hello-world", "", false],
		["https://api.github.com/repos/octocat/", "", false],
		["https://api.github.com/repos/octocat/%E0%A4%A", "", false],
		["https://api.github.com/repos/octocat/a\\b", "", false],
		["http://127.0.0.1:8789/other/repos/octocat/hello-world", "/api/v3", false],
		["http://127.0.0.1:8789/api/v3/../user", "/api/v3", false],
		["http://127.0.0.1:8789/api/v3x/user", "/api/v3", false],
	])("%s (API at %j): %s", (url, apiPath, safe) => {
		if (safe) expect(() => assertSafePath(url, apiPath)).not.toThrow();
		else expect(() => assertSafePath(url, apiPath)).toThrow(UnsafeGithubPathError);
	});
});

describe("each defence on its own stops every attack that could move a request", () => {
	it.each(PATH_TOOLS.map((tool) => [tool.name, tool] as const))(
		"%s: its example's requests name the repository it was given",
		async (_name, tool) => {
			const { routes: learned } = await routeOf(tool);
			for (const route of learned) expect(route).toMatch(/^[A-Z]+ \/repos\/\{owner\}\/\{repo\}(\/|$)/);
		},
	);

	it.each(POSITIONS.map(({ tool, key }) => [tool.name, key, tool] as const))(
		"%s, argument %s: the schema alone, and the client check alone, refuse every value that would move the request",
		async (_name, key, tool) => {
			for (const [label, value] of Object.entries(ATTACKS)) {
				const args = await argsWith(tool, "octocat", "hello-world", key, value);
				const url = await expandedUrl(tool, args);
				if (key !== "path") {
					// Account and repository names: the schema refuses the whole class.
					expect(schemaAccepts(tool, args), `${label} in ${key}`).toBe(false);
				}
				if (wouldMove(url) || !clientAccepts(url)) {
					// Without the client check, the schema still stops it ...
					expect(schemaAccepts(tool, args), `schema: ${label} in ${key}`).toBe(false);
				}
				if (wouldMove(url)) {
					// ... and without the schema, the client check still stops it.
					expect(clientAccepts(url), `client: ${label} in ${key} (${url})`).toBe(false);
				}
			}
		},
	);
});

/** A ToolContext whose GitHub client is the real one, pointed at the stand-in with `token`. */
function directContext(token: string): ToolContext {
	const caller: Caller = {
		user: { ...OCTOCAT },
		grant: { userId: OCTOCAT.id, grantId: "direct", clientId: "direct" },
		scopes: ALL_MCP_SCOPES,
		upstream: { accessToken: token, scopes: ["repo"] },
		view: { toolsets: null, readonly: false },
		origin: "https://mcp.example.com",
	};
	return {
		caller,
		github: () =>
			createGithubClient({
				apiUrl: standIn().apiUrl,
				token: { current: async () => token, renewAfterUnauthorized: async () => null },
			}),
		confirm: async (request) => {
			const values = Object.fromEntries(Object.entries(request.fields).map(([name, field]) => [name, field.value]));
			return { confirmed: true, values: values as never };
		},
		counter: { value: async () => 0, add: async (amount) => amount },
		installationUrl: null,
	};
}

describe("the client check without the schema: tool handlers called with unchecked arguments", () => {
	it.each(POSITIONS.map(({ tool, key }) => [tool.name, key, tool] as const))(
		"%s, argument %s: refused before anything is sent unless it is a valid name for that argument, and then it stays in its segment",
		async (name, key, tool) => {
			const token = await mintGithubToken(standIn().baseUrl, "octocat");
			const repo = `scratch-direct-${name.replace(/_/g, "-")}-${key}`;
			for (const [label, value] of Object.entries(ATTACKS)) {
				// The other arguments are parsed (defaults applied); the attacked one is not.
				const shape = z.object(tool.input).omit({ [key]: true } as never);
				const args = { ...shape.parse(await argsWith(tool, "octocat", repo, key, "unused")), [key]: value };
				const result = await tool.handler(args as never, directContext(token));
				// The client holds route parameters to GitHub's naming rules by name (owner, repo, path,
				// numbers), whatever tool supplied them; the URL check would stop the ones that move
				// the request even without that (clientAccepts).
				const valid = key === "path" ? isRepositoryPath(value) : key === "owner" ? isAccountName(value) : isRepositoryName(value);
				if (!valid || !clientAccepts(await expandedUrl(tool, args))) {
					expect(result.isError, `${label} in ${key}`).toBe(true);
					expect(resultText(result), `${label} in ${key}`).toContain(
						"an argument is not a valid GitHub name or path. Nothing was sent to GitHub.",
					);
				}
			}
			// Whatever was sent (a file path such as "a/b" is one) reached the intended endpoint.
			const { intended } = await routeOf(tool);
			for (const request of await githubRequests(standIn().baseUrl, token)) expect(request.path, `${name} ${key}`).toMatch(intended);
		},
	);
});

describe.each(LANES)("the attack class at the tool level, both defences in place (%s lane)", (lane) => {
	it.each(POSITIONS.map(({ tool, key }) => [tool.name, key, tool] as const))(
		"%s, argument %s: nothing reaches any endpoint but the intended one, and nothing is written",
		async (name, key, tool) => {
			// A user of this test's own (the per-user limit counts every call), allowed to write.
			const user = await newUser({ orgs: ["octo-org"] });
			const githubToken = await mintGithubToken(standIn().baseUrl, user.login);
			const client = await connect(lane, await issueToken(grantProps(user, { accessToken: githubToken, scopes: ["repo"] })), {
				elicit: acceptAsShown,
			});
			const repo = `scratch-attack-${lane}-${name.replace(/_/g, "-")}-${key}`;
			for (const [label, value] of Object.entries(ATTACKS)) {
				const args = await argsWith(tool, "octocat", repo, key, value);
				const outcome = await client.callTool({ name, arguments: args }).then(
					(result) => ({ isError: result.isError === true, text: resultText(result) }),
					(error: Error) => ({ isError: true, text: error.message }),
				);
				if (!schemaAccepts(tool, args)) expect(outcome.isError, `${label} in ${key}: ${outcome.text}`).toBe(true);
			}
			await client.close();
			const requests = (await githubRequests(standIn().baseUrl, githubToken)).filter((request) => !request.path.startsWith("/user/orgs"));
			const { intended } = await routeOf(tool);
			for (const request of requests) expect(request.path, `${name} ${key}`).toMatch(intended);
			expect(await githubWrites(standIn().baseUrl, `octocat/${repo}`)).toEqual([]);
		},
	);
});
