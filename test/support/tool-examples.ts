/** Every tool's example call (from its definition), for a test that owns a scratch repository. */
import type { ToolDefinition } from "../../src/mcp/define.ts";

/** The example's arguments with `<scratch>` replaced by the test's own repository name. */
export function exampleArguments(tool: Pick<ToolDefinition, "example">, scratchRepo: string): Record<string, unknown> {
	return JSON.parse(JSON.stringify(tool.example).replaceAll("<scratch>", scratchRepo)) as Record<string, unknown>;
}

/** A scratch repository name unique to one test (the stand-in creates `scratch-*` on first use). */
export function scratchRepo(label: string): string {
	return `scratch-${label.replace(/[^a-z0-9-]/gi, "-").toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The seeded repository examples read: `octocat/repo-a-0`. */
const SEED_REPOSITORY = "octocat/repo-a-0";

/**
 * The tool's example call, made to act on `owner/repo` instead: its owner and repo arguments, and
 * the repository named inside a string (an issue search's `repo:octocat/repo-a-0`). Every other
 * argument stays as the example has it.
 */
export function exampleOn(tool: Pick<ToolDefinition, "example">, owner: string, repo: string): Record<string, unknown> {
	const args = JSON.parse(
		JSON.stringify(tool.example).replaceAll(SEED_REPOSITORY, `${owner}/${repo}`).replaceAll("octocat/<scratch>", `${owner}/${repo}`),
	) as Record<string, unknown>;
	if ("owner" in args) args.owner = owner;
	if ("repo" in args) args.repo = repo;
	return args;
}
