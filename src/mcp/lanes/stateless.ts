/**
 * The 2026-07-28 lane: MCP's stateless revision, served in the Worker by the MCP SDK v2's
 * `createMcpHandler` with a fresh server per request, built from the same definitions as the
 * McpAgent lane and only for what this request's caller may see. No Durable Object is on the path
 * of a tool that needs no state; the counter and the GitHub response cache live in the caller's
 * UserStore (per user, since there are no sessions), and only the tools that use them reach it.
 *
 * Why the SDK's handler and not agents' `createMcpHandler`: agents' wraps this same handler and
 * adds Origin/Host checks and an AsyncLocalStorage auth context; the guard already does the
 * checks for both lanes, and the caller travels explicitly (authInfo.extra), so the SDK's own
 * handler is the smaller dependency with the same wire behaviour.
 *
 * Write tools confirm with an `input_required` result (multi-round-trip): the client shows the
 * form and retries the call with the user's answer; the Worker waits for nobody.
 */
import {
	type AuthInfo,
	createMcpHandler,
	inputRequired,
	McpServer,
	ResourceTemplate,
	type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { type Config, readConfig } from "../../config";
import { createGithubClient, type ResponseCache } from "../../github/client";
import { SERVER_INSTRUCTIONS, SERVER_NAME, SERVER_VERSION } from "../../server-info";
import { userStore } from "../../state/stubs";
import { identityProvider } from "../../upstream";
import { callerTokenSource } from "../../upstream/token-source";
import { auditSink } from "../audit";
import type { Caller } from "../caller";
import { withCompletionContext } from "../completions";
import { CANNOT_CONFIRM, confirmationSchema, type ElicitAnswer, interpretAnswer } from "../confirm";
import { type Infer, type Shape, type ToolContext, type ToolDefinition, type ToolResult, templateVariables } from "../define";
import { ConfirmationPending, invokeTool } from "../invoke";
import {
	allowListOf,
	mayListRestrictedTools,
	mustKeepToPublicRepositories,
	visiblePrompts,
	visibleResources,
	visibleTools,
} from "../policy";
import { toolByName } from "../registry";
import { serveListen } from "./listen-streams";

/** What the guard hands the lane for one request. */
export interface StatelessRequest {
	caller: Caller;
	env: Env;
}

const LANE_KEY = "mcpLaneRequest";
/** The key of the confirmation form among a retried call's input responses. */
const CONFIRM_KEY = "confirm";

// The schemas of the definitions, built once per isolate. The server is built per request, so the
// SDK's own cache of each tool's JSON Schema lasts one request: every tools/call converted the
// tool's input schema (to look for `x-mcp-header` declarations) and every tools/list all of them.
// A definition's schema never changes, so its JSON Schema is converted once and reused, frozen so
// that no request can change what the next one sees.
const objectSchemas = new WeakMap<Shape, z.ZodObject>();
function objectSchema(shape: Shape): z.ZodObject {
	let schema = objectSchemas.get(shape);
	if (!schema) {
		schema = z.object(shape);
		objectSchemas.set(shape, schema);
	}
	return schema;
}

type StandardJson = NonNullable<z.ZodObject["~standard"]["jsonSchema"]>;
/** A tool's schema for the SDK: zod's own, with its JSON Schema converted once per target. */
interface ToolSchema {
	"~standard": z.ZodObject["~standard"] & { jsonSchema: StandardJson };
}
const toolSchemas = new WeakMap<Shape, ToolSchema>();
function toolSchema(shape: Shape): ToolSchema {
	let schema = toolSchemas.get(shape);
	if (!schema) {
		const standard = objectSchema(shape)["~standard"];
		const converted = new Map<string, Record<string, unknown>>();
		const once =
			(io: "input" | "output"): StandardJson["input"] =>
			(options) => {
				const convert = () => standard.jsonSchema[io](options);
				// The SDK asks with a target only; anything else is converted as asked, every time.
				if (Object.keys(options).some((key) => key !== "target")) return convert();
				const key = `${io} ${options.target}`;
				let json = converted.get(key);
				if (!json) {
					json = deepFreeze(convert());
					converted.set(key, json);
				}
				return json;
			};
		schema = { "~standard": { ...standard, jsonSchema: { input: once("input"), output: once("output") } } };
		toolSchemas.set(shape, schema);
	}
	return schema;
}

function deepFreeze<T>(value: T): T {
	if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}

const handler = createMcpHandler(
	async ({ authInfo }) => {
		const lane = authInfo?.extra?.[LANE_KEY] as LaneRequest | undefined;
		if (!lane) throw new Error("the stateless lane was reached without a caller");
		return buildServer(lane);
	},
	{
		// 2025-era requests never get here: the guard sends them to the McpAgent lane.
		legacy: "reject",
		responseMode: "auto",
		onerror: (error) => console.warn(JSON.stringify({ type: "mcp_stateless_error", error: error.name })),
	},
);

/** One request as the server factory sees it. */
interface LaneRequest extends StatelessRequest {
	/** A tools/list: the only request whose answer depends on the allow-list. */
	listsTools: boolean;
	/** The tool a tools/call names, when it is one of ours. */
	calledTool: ToolDefinition | undefined;
	/** A completion/complete: the only request whose completers read the caller. */
	completes: boolean;
	/** A subscriptions/listen: a stream held open, a few per user (listen-streams.ts). */
	listens: boolean;
}

/** Serves one 2026-07-28 request (the guard has authenticated and checked it). */
export function serveStateless(request: Request, parsedBody: unknown, lane: StatelessRequest): Promise<Response> {
	const laneRequest: LaneRequest = { ...lane, ...whatItNeeds(parsedBody) };
	const authInfo: AuthInfo = {
		// The bearer token stays with the guard: nothing in this lane needs it.
		token: "",
		clientId: lane.caller.grant.clientId,
		scopes: [...lane.caller.scopes],
		extra: { [LANE_KEY]: laneRequest },
	};
	const serve = () => handler.fetch(request, { authInfo, parsedBody });
	if (laneRequest.listens) return serveListen(lane.caller.user.id, serve);
	if (!laneRequest.completes) return serve();
	// Completers (completions.ts) read the caller from here: the SDK gives them no request context.
	return withCompletionContext(contextFor(lane.caller, lane.env, readConfig(lane.env)), serve);
}

type Needs = Pick<LaneRequest, "listsTools" | "calledTool" | "completes" | "listens">;

/** What the server built for this request needs: the tool list, one tool, completers, or none. */
function whatItNeeds(body: unknown): Needs {
	const none: Needs = { listsTools: false, calledTool: undefined, completes: false, listens: false };
	if (typeof body !== "object" || body === null || !("method" in body)) return none;
	if (body.method === "tools/list") return { ...none, listsTools: true };
	if (body.method === "completion/complete") return { ...none, completes: true };
	if (body.method === "subscriptions/listen") return { ...none, listens: true };
	if (body.method !== "tools/call" || !("params" in body) || typeof body.params !== "object" || body.params === null) return none;
	const name = "name" in body.params ? body.params.name : undefined;
	return { ...none, calledTool: typeof name === "string" ? toolByName(name) : undefined };
}

async function buildServer({ caller, env, listsTools, calledTool }: LaneRequest): Promise<McpServer> {
	const config = readConfig(env);
	const server = new McpServer(
		{ name: SERVER_NAME, version: SERVER_VERSION },
		{
			instructions: SERVER_INSTRUCTIONS,
			// MCP 2026-07-28 caching hints. Lists that depend on the caller (scopes, toolsets, the
			// allow-list) are private: a shared cache must never hand one user's list to another.
			cacheHints: {
				"server/discover": { ttlMs: 3_600_000, cacheScope: "public" },
				"prompts/list": { ttlMs: 3_600_000, cacheScope: "public" },
				"tools/list": { ttlMs: 300_000, cacheScope: "private" },
				"resources/list": { ttlMs: 300_000, cacheScope: "private" },
				"resources/templates/list": { ttlMs: 300_000, cacheScope: "private" },
				"resources/read": { ttlMs: 0, cacheScope: "private" },
			},
		},
	);
	const github = () => githubFor(caller, env, config);
	const allowList = allowListOf(config, env.OAUTH_KV);
	const invokeOptions = { allowList, audit: auditSink(env, config, "stateless") };
	// A call registers the tool it names, whether or not this connection may see it: invoke.ts then
	// checks scope, view and allow-list afresh and refuses (and audits) a hidden one, instead of the
	// SDK answering "no such tool" unrecorded. Only a listing asks the allow-list (a GitHub request,
	// cached briefly); add, whoami and the rest reach neither GitHub nor a Durable Object for it.
	const tools = calledTool
		? [calledTool]
		: visibleTools(caller, listsTools ? await mayListRestrictedTools(allowList, caller, github) : false);

	for (const tool of tools) {
		server.registerTool(
			tool.name,
			{
				title: tool.title,
				description: tool.description,
				inputSchema: toolSchema(tool.input),
				...(tool.output ? { outputSchema: toolSchema(tool.output) } : {}),
				annotations: { title: tool.title, ...tool.annotations },
			},
			async (args: unknown, ctx: ServerContext) =>
				callTool(tool, args as Infer<Shape>, contextFor(caller, env, config, ctx), invokeOptions),
		);
	}

	// A call of one of our tools is answered by that tool alone.
	if (calledTool) return server;

	for (const resource of visibleResources(caller)) {
		const metadata = { title: resource.title, description: resource.description, mimeType: resource.mimeType };
		if (resource.kind === "fixed") {
			server.registerResource(resource.name, resource.uri, metadata, async (_uri: URL, ctx: ServerContext) => ({
				contents: [await resource.read(contextFor(caller, env, config, ctx))],
			}));
		} else {
			server.registerResource(
				resource.name,
				new ResourceTemplate(resource.uriTemplate, { list: undefined, ...(resource.complete ? { complete: resource.complete } : {}) }),
				metadata,
				async (uri: URL, variables: Record<string, string | string[]>, ctx: ServerContext) => ({
					contents: [await resource.read(uri.href, templateVariables(variables), contextFor(caller, env, config, ctx))],
				}),
			);
		}
	}

	for (const prompt of visiblePrompts()) {
		server.registerPrompt(
			prompt.name,
			{ title: prompt.title, description: prompt.description, argsSchema: objectSchema(prompt.args) },
			(args: unknown) => prompt.build(args as Infer<Shape>),
		);
	}
	return server;
}

async function callTool(
	tool: ToolDefinition,
	args: Infer<Shape>,
	context: ToolContext,
	options: Parameters<typeof invokeTool>[3],
): Promise<ToolResult | ReturnType<typeof inputRequired>> {
	try {
		return await invokeTool(tool, args, context, options);
	} catch (error) {
		// The user's confirmation comes with the client's retry of this call (input_required).
		if (error instanceof ConfirmationPending) return error.result as ReturnType<typeof inputRequired>;
		throw error;
	}
}

function githubFor(caller: Caller, env: Env, config: Config, signal?: AbortSignal) {
	return createGithubClient({
		apiUrl: config.github.apiUrl,
		token: callerTokenSource(env, config.jurisdiction, caller, caller.origin),
		publicRepositoriesOnly: mustKeepToPublicRepositories(caller, config.github),
		cache: userCache(env, config, caller),
		...(signal ? { signal } : {}),
	});
}

/** The caller's GitHub responses, in their UserStore (2026-07-28 has no session to keep them in). */
function userCache(env: Env, config: Config, caller: Caller): ResponseCache {
	const store = () => userStore(env, config.jurisdiction, caller.user.id);
	return {
		get: (url) => store().cacheGet(url),
		set: (url, entry) => store().cacheSet(url, entry),
	};
}

function contextFor(caller: Caller, env: Env, config: Config, ctx?: ServerContext): ToolContext {
	const store = () => userStore(env, config.jurisdiction, caller.user.id);
	return {
		caller,
		github: () => githubFor(caller, env, config, ctx?.mcpReq.signal),
		async confirm(request) {
			if (!ctx) return { confirmed: false, result: CANNOT_CONFIRM };
			const answer = ctx.mcpReq.inputResponses?.[CONFIRM_KEY];
			if (answer !== undefined) return interpretAnswer(answer as ElicitAnswer, request);
			// Capabilities travel with every 2026-07-28 request: ask only a client that can show a form.
			const capabilities = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.["io.modelcontextprotocol/clientCapabilities"];
			const canElicit = typeof capabilities === "object" && capabilities !== null && "elicitation" in capabilities;
			if (!canElicit) return { confirmed: false, result: CANNOT_CONFIRM };
			throw new ConfirmationPending(
				inputRequired({
					inputRequests: {
						[CONFIRM_KEY]: inputRequired.elicit({ message: request.message, requestedSchema: confirmationSchema(request) }),
					},
				}),
			);
		},
		counter: {
			value: () => store().counterValue(),
			add: (amount) => store().counterAdd(amount),
		},
		installationUrl: identityProvider(env).installationUrl(),
		...(ctx ? { signal: ctx.mcpReq.signal } : {}),
	};
}
