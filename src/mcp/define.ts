/**
 * One definition per tool, resource and prompt: everything about it stated once, in one module,
 * and read by everything else. Both MCP lanes (the McpAgent Durable Object for 2025-era clients,
 * the stateless SDK v2 server for 2026-07-28) register these definitions; the guard's scope check,
 * tools/list filtering, toolsets, read-only mode, the allow-list, the audit trail, the README's
 * table and the tests all read them, so a name can never drift from its scope.
 *
 * Handlers see a lane-neutral ToolContext: the caller, a GitHub client for the caller, a way to
 * ask the user to confirm (MCP elicitation in the 2025 lane, an `input_required` result in the
 * 2026 lane) and the counter. They never see the lane, the transport or the token.
 */
import type { Octokit } from "@octokit/core";
import type { z } from "zod";
import type { McpScope } from "../scopes";
import type { Caller } from "./caller";
import type { Completer } from "./completions";

/** A JSON object shape: zod schemas by property name (what both SDKs accept as inputSchema). */
export type Shape = Record<string, z.ZodType>;
export type Infer<S extends Shape> = { [K in keyof S]: z.output<S[K]> };

/** MCP tool annotations (hints for clients; never trusted for security). */
export interface ToolAnnotations {
	readOnlyHint?: boolean;
	destructiveHint?: boolean;
	idempotentHint?: boolean;
	openWorldHint?: boolean;
}

/** A tool's result in the MCP shape both SDKs share. */
export interface ToolResult {
	[key: string]: unknown;
	content: { type: "text"; text: string }[];
	structuredContent?: Record<string, unknown>;
	isError?: boolean;
}

/** TEMPLATE: the toolsets a client can choose from (`/mcp?toolsets=issues,repos`). */
export const TOOLSETS = {
	account: "Who you are signed in as.",
	repos: "Your repositories and their details.",
	issues: "Issues and pull requests: list, read, search, create, comment.",
	files: "Files in repositories.",
	demo: "Demo tools that touch no GitHub data (add, the counter).",
} as const;
export type Toolset = keyof typeof TOOLSETS;

export interface ToolDefinition<I extends Shape = Shape, O extends Shape | undefined = Shape | undefined> {
	/** snake_case, unique. */
	name: string;
	title: string;
	/** What the model reads to decide when and how to call it: write it as public documentation. */
	description: string;
	/** The MCP scope a token needs to see and call it; null for tools that touch no user data. */
	scope: McpScope | null;
	toolset: Toolset;
	/** Limited to the write allow-list (ALLOWED_GITHUB_LOGINS / ALLOWED_GITHUB_ORGS) when one is set. */
	restricted?: boolean;
	input: I;
	output?: O;
	/**
	 * `readOnlyHint: false` marks a write tool: hidden and refused in read-only mode, and every
	 * call is recorded in the audit trail.
	 */
	annotations: ToolAnnotations;
	/**
	 * A call that works against the GitHub stand-in's seed data, run by the tests on both lanes (every tool's example must succeed and match its
	 * outputSchema), so a new tool is tested by being defined. `<scratch>` in a string argument is
	 * replaced by a repository of the test's own.
	 */
	example: z.input<z.ZodObject<I>>;
	/** For write tools: what the call acts on, for the audit trail (never the text written). */
	auditTarget?(args: Infer<I>): string;
	handler(args: Infer<I>, context: ToolContext): Promise<ToolResult>;
}

/** Declares a tool; the identity function gives the handler its argument types. */
export function defineTool<I extends Shape, O extends Shape | undefined = undefined>(
	definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
	return definition;
}

/** Write tools change something (GitHub data or this server's state). */
export function isWriteTool(tool: Pick<ToolDefinition, "annotations">): boolean {
	return tool.annotations.readOnlyHint !== true;
}

export interface ResourceContents {
	uri: string;
	mimeType: string;
	text: string;
}

interface ResourceBase {
	/** The registration name. */
	name: string;
	title: string;
	description: string;
	mimeType: string;
	/** The MCP scope needed to list and read it; null for none. */
	scope: McpScope | null;
}

/** A resource at a fixed URI. */
export interface FixedResourceDefinition extends ResourceBase {
	kind: "fixed";
	uri: string;
	read(context: ToolContext): Promise<ResourceContents>;
}

/** A resource template (RFC 6570 level 1): `github://repos/{owner}/{repo}/issues/{number}`. */
export interface TemplateResourceDefinition extends ResourceBase {
	kind: "template";
	uriTemplate: string;
	/** Completions for the template's variables (see completions.ts). */
	complete?: Record<string, Completer>;
	read(uri: string, variables: Record<string, string>, context: ToolContext): Promise<ResourceContents>;
}

export type ResourceDefinition = FixedResourceDefinition | TemplateResourceDefinition;

/** RFC 6570 variables as strings (the SDKs type a variable as possibly a list). */
export function templateVariables(variables: Record<string, string | string[]>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(variables)) out[name] = Array.isArray(value) ? value.join(",") : value;
	return out;
}

export function defineResource<R extends ResourceDefinition>(definition: R): R {
	return definition;
}

export interface PromptMessage {
	role: "user" | "assistant";
	content: { type: "text"; text: string };
}

export interface PromptDefinition<A extends Shape = Shape> {
	name: string;
	title: string;
	description: string;
	/** Prompt arguments: strings, as MCP prompts take them. */
	args: A;
	build(args: Infer<A>): { messages: PromptMessage[] };
}

export function definePrompt<A extends Shape>(definition: PromptDefinition<A>): PromptDefinition<A> {
	return definition;
}

/** A counter of demo state: per session in the 2025 lane, per user in the 2026 lane. */
export interface Counter {
	value(): Promise<number>;
	add(amount: number): Promise<number>;
}

/** A counter kept in an Agent's state (`{ counter }`): a session's, in the McpAgent lane and the authless server. */
export function stateCounter(agent: { state: { counter: number }; setState(state: { counter: number }): void }): Counter {
	return {
		value: async () => agent.state.counter,
		add: async (amount) => {
			const counter = agent.state.counter + amount;
			agent.setState({ ...agent.state, counter });
			return counter;
		},
	};
}

/** A field the user confirms (and may edit) before a write. */
export interface ConfirmField {
	title: string;
	value: string;
	maxLength: number;
}

export type Confirmation<F extends Record<string, string>> = { confirmed: true; values: F } | { confirmed: false; result: ToolResult };

export interface ConfirmRequest<F extends Record<string, string>> {
	message: string;
	fields: { [K in keyof F]: ConfirmField };
}

export interface ToolContext {
	/** Who is calling: null on the authless server, which has no user. */
	readonly caller: Caller | null;
	/** Octokit for the caller, with their current GitHub token (refreshed when it expires). */
	github(): Octokit;
	/**
	 * Asks the user to confirm (and edit) before a write. Resolves with what they accepted, or
	 * with the result to return: declined, cancelled, or refused because the client cannot ask.
	 */
	confirm<F extends Record<string, string>>(request: ConfirmRequest<F>): Promise<Confirmation<F>>;
	readonly counter: Counter;
	/** Where the user can give this server access to more repositories (a GitHub App's installation page). */
	readonly installationUrl: string | null;
	/** Aborted when the client cancels the request or disconnects. */
	readonly signal?: AbortSignal;
}
