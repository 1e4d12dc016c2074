/**
 * What the tests inside workerd share: the Worker at a test origin, an OAuth flow against it, tokens
 * for any props (through the library's own API and the real /token endpoint), and real MCP
 * clients for both lanes: the MCP SDK v1 client (2025-era: initialize, sessions, McpAgent) and the
 * SDK v2 client pinned to 2026-07-28 (the stateless lane).
 */
import { env } from "cloudflare:workers";
import { getOAuthApi } from "@cloudflare/workers-oauth-provider";
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { inject } from "vitest";
import { createOAuthOptions } from "../../src/oauth";
import { type GrantProps, parseGrantProps } from "../../src/props";
import { ALL_MCP_SCOPES } from "../../src/scopes";
import { countKeys as countKeysIn } from "../support/kv";
import { LOOPBACK_REDIRECT_URI, OAuthFlow, type Send } from "../support/oauth-flow";
import { createPkce } from "../support/pkce";
import { createStandInUser, mintGithubToken, type StandInFault } from "../support/standin";
import { grantProps, OCTOCAT } from "../support/users";
import { workerSend } from "./worker-send";

/** The origin the tests serve the Worker on. Tokens are bound to it. */
export const ORIGIN = "https://mcp.example.com";

export const standIn = () => inject("githubStandIn");
export const send: Send = workerSend();
export const flow = new OAuthFlow({ origin: ORIGIN, send });

/** Calls the Worker like `fetch`, resolving paths against ORIGIN. */
export function call(input: string | URL, init: RequestInit = {}): Promise<Response> {
	return send(new Request(new URL(input, ORIGIN), { ...init, redirect: "manual" }));
}

/** Counts OAUTH_KV's keys under a prefix: to prove that a refused request stored nothing. */
export function countKeys(prefix: string): Promise<number> {
	return countKeysIn(env.OAUTH_KV, prefix);
}

/** Props for octocat (or another seeded user) with a freshly minted, optionally faulty, GitHub token. */
export async function userProps(user: GrantProps["user"] = OCTOCAT, fault?: StandInFault): Promise<GrantProps> {
	const scopes = ["read:user", "user:email", "repo"];
	const accessToken = await mintGithubToken(standIn().baseUrl, user.login, { scopes, ...(fault ? { fault } : {}) });
	return grantProps(user, { accessToken, scopes });
}

/** A fresh stand-in user for one test, as props know users (its organisations are the test's to change). */
export async function newUser(options: { orgs?: string[] } = {}): Promise<GrantProps["user"]> {
	return createStandInUser(standIn().baseUrl, options);
}

/**
 * An MCP access token (and refresh token) for arbitrary props, issued through the library's own
 * API (client, authorization request, completeAuthorization) and the real /token endpoint.
 */
export async function issueTokens(props: GrantProps, scopes: readonly string[] = ALL_MCP_SCOPES) {
	const oauth = getOAuthApi(createOAuthOptions(ORIGIN), env);
	const client = await oauth.createClient({
		redirectUris: [LOOPBACK_REDIRECT_URI],
		tokenEndpointAuthMethod: "none",
		clientName: "Tool test",
	});
	const pkce = await createPkce();
	const request = await oauth.parseAuthRequest(new Request(flow.authorizeUrl(client.clientId, pkce)));
	const { redirectTo } = await oauth.completeAuthorization({ request, userId: props.user.id, metadata: {}, scope: [...scopes], props });
	const code = new URL(redirectTo).searchParams.get("code") ?? "";
	const tokens = await flow.exchangeCode(client.clientId, code, pkce.verifier);
	if (tokens.status !== 200) throw new Error(`token exchange failed: ${tokens.status}`);
	const body = (await tokens.json()) as { access_token: string; refresh_token: string };
	return { clientId: client.clientId, accessToken: body.access_token, refreshToken: body.refresh_token };
}

export async function issueToken(props: GrantProps, scopes: readonly string[] = ALL_MCP_SCOPES): Promise<string> {
	return (await issueTokens(props, scopes)).accessToken;
}

/** An elicitation answer (both SDKs' shape). */
export type ElicitAnswer =
	| { action: "accept"; content?: Record<string, string | number | boolean | string[]> }
	| { action: "decline" }
	| { action: "cancel" };
export type ElicitHandler = (request: { message: string; requestedSchema: unknown }) => ElicitAnswer | Promise<ElicitAnswer>;

/** Accepts a confirmation form as shown (its defaults). */
export const acceptAsShown: ElicitHandler = (request) => {
	const schema = request.requestedSchema as { properties?: Record<string, { default?: unknown }> };
	const content: Record<string, string> = {};
	for (const [name, property] of Object.entries(schema.properties ?? {}))
		if (typeof property.default === "string") content[name] = property.default;
	return { action: "accept", content };
};

export type Lane = "legacy" | "modern";
export const LANES: Lane[] = ["legacy", "modern"];

/** The parts of a client the tests use, the same for both SDKs. */
export interface TestClient {
	lane: Lane;
	listTools(): Promise<{ tools: { name: string; annotations?: Record<string, unknown> }[] }>;
	callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<{
		content?: unknown;
		structuredContent?: Record<string, unknown>;
		isError?: boolean;
	}>;
	readResource(params: { uri: string }): Promise<{ contents: { uri: string; text?: string }[] }>;
	listResources(): Promise<{ resources: { uri: string; name: string }[] }>;
	listResourceTemplates(): Promise<{ resourceTemplates: { uriTemplate: string; name: string }[] }>;
	listPrompts(): Promise<{ prompts: { name: string }[] }>;
	getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<{
		messages: { role: string; content: { type: string; text?: string } }[];
	}>;
	close(): Promise<void>;
}

export interface ConnectOptions {
	/** Declares elicitation and answers with this handler; without it the client cannot confirm. */
	elicit?: ElicitHandler;
	/** `/mcp?toolsets=…&readonly=1` and the like. */
	query?: string;
	/** Legacy lane only: connect over /sse instead of /mcp. */
	sse?: boolean;
	/** Extra headers on every request (`X-MCP-Toolsets`, `X-MCP-Readonly`). */
	headers?: Record<string, string>;
}

/**
 * A real MCP client on the given lane, authenticated with `accessToken`: a string, or a function
 * read on every request (a test that refreshes the token keeps the same open session).
 */
export async function connect(lane: Lane, accessToken: string | (() => string), options: ConnectOptions = {}): Promise<TestClient> {
	const url = new URL(`${options.sse ? "/sse" : "/mcp"}${options.query ?? ""}`, ORIGIN);
	const bearer = typeof accessToken === "string" ? () => accessToken : accessToken;
	const fetchWorker = (input: string | URL | Request, init?: RequestInit) => {
		const request = new Request(input, init);
		request.headers.set("Authorization", `Bearer ${bearer()}`);
		for (const [name, value] of Object.entries(options.headers ?? {})) request.headers.set(name, value);
		return send(request);
	};
	const requestInit = { headers: { Authorization: `Bearer ${bearer()}` } };
	if (lane === "legacy") {
		const client = new LegacyClient(
			{ name: "worker-test-legacy", version: "1.0.0" },
			{ capabilities: options.elicit ? { elicitation: { form: {} } } : {} },
		);
		if (options.elicit) {
			const handler = options.elicit;
			client.setRequestHandler(ElicitRequestSchema, async (request) =>
				handler(request.params as { message: string; requestedSchema: unknown }),
			);
		}
		const transport = options.sse
			? new SSEClientTransport(url, {
					fetch: fetchWorker,
					requestInit,
					eventSourceInit: {
						fetch: (input, init) => fetchWorker(input, { ...init, headers: { ...init?.headers, ...requestInit.headers } }),
					},
				})
			: new LegacyTransport(url, { fetch: fetchWorker, requestInit });
		await client.connect(transport);
		return Object.assign(client, { lane }) as unknown as TestClient;
	}
	const client = new ModernClient(
		{ name: "worker-test-modern", version: "1.0.0" },
		{ versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: options.elicit ? { elicitation: { form: {} } } : {} },
	);
	if (options.elicit) {
		const handler = options.elicit;
		client.setRequestHandler("elicitation/create", async (request) =>
			handler(request.params as { message: string; requestedSchema: unknown }),
		);
	}
	await client.connect(new ModernTransport(url, { fetch: fetchWorker, requestInit }));
	return Object.assign(client, { lane }) as unknown as TestClient;
}

/** The grant props an MCP access token carries (what the guard hands the lanes), or null when it is not valid. */
export async function grantPropsOf(accessToken: string): Promise<GrantProps | null> {
	const token = await getOAuthApi(createOAuthOptions(ORIGIN), env).unwrapToken(accessToken);
	return token ? parseGrantProps(token.grant.props) : null;
}
