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
