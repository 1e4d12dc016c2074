/**
 * The adversarial battery, as data: the MCP endpoint. Every row runs on each lane (legacy /mcp,
 * legacy /sse, modern /mcp) as a user of its own: malformed input, bearer tokens, browser
 * origins, scopes and the write allow-list per call, a caller header forged by the client. Each
 * row states its exact outcome; the lane must keep serving its rightful client afterwards, nothing
 * may be written to GitHub nor any MCP credential reach it, and no row may get a 500 or a stack trace.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeCaller } from "../../src/mcp/caller";
import { ALL_MCP_SCOPES } from "../../src/scopes";
import { type LaneReply, openRawLane, type PostOptions, WIRE_LANES, type WireLane } from "../support/mcp-lanes";
import { resultText } from "../support/mcp-wire";
import { createStandInUser, mintGithubToken, presentedTokens, standInWrites } from "../support/standin";
import { grantProps, OCTOCAT } from "../support/users";
import { flow, STACK_TRACE, send } from "./battery";
import { issueTokens, ORIGIN, standIn } from "./harness";

/** Who the attacking lane is signed in as: a user of its own (tool-call limits are per user). */
interface Caller {
	/** The token's MCP scopes (default: all). */
	scopes?: string[];
	/** A user outside the write allow-list (ALLOWED_GITHUB_ORGS=octo-org in the tests). */
	outsider?: boolean;
}

/** The Authorization the attack presents instead of the lane's token. */
type Credential = "none" | "expired" | "a GitHub token" | { header: string } | { tokenVariant: (token: string) => string };

interface McpAttack {
	/** A JSON-RPC request, framed by each lane; or a raw body, posted as is. */
	rpc?: { method: string; params?: Record<string, unknown> };
	raw?: string | (() => string);
	credential?: Credential;
	/** The lane's own token in the URL's query instead of the header. */
	tokenInQuery?: string;
	headers?: Record<string, string>;
	rewrite?: (body: string) => string;
	/** A caller header forged by the client, naming this user with every scope. */
	forgedCaller?: boolean;
}

interface McpOutcome {
	status: number;
	/** A JSON-RPC error code, in the body or (SSE) on the stream. */
	rpcError?: number;
	/** An OAuth-style JSON error (`error` field). */
	error?: string;
	/** WWW-Authenticate must contain each. */
	challenge?: string[];
	/** A tool result with isError, whose text contains this. */
	toolRefusal?: string;
	/** whoami's answer: the token's own user (never a forged one) with these scopes. */
	identity?: { scopes: string[] };
}

interface McpCase {
	name: string;
	as?: Caller;
	lanes?: readonly WireLane[];
	attack: McpAttack;
	/** One outcome for every lane, or one per lane. */
	expect: McpOutcome | Record<WireLane, McpOutcome>;
}

const CREATE_ISSUE = { name: "create_issue", arguments: { owner: "octocat", repo: "repo-a-0", title: "battery" } };
const BAD_TOKEN = { status: 401, error: "invalid_token", challenge: ['error="invalid_token"', "resource_metadata="] };
const NO_TOKEN = { status: 401, challenge: ["Bearer ", `resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`] };
const INSUFFICIENT_SCOPE = {
	status: 403,
	error: "insufficient_scope",
	challenge: ['error="insufficient_scope"', 'scope="github:read github:write"'],
};
/** SDK v1 answers an unknown or disabled tool with an error result; SDK v2 with a JSON-RPC error. */
const NOT_FOUND_TOOL: Record<WireLane, McpOutcome> = {
	"legacy-mcp": { status: 200, toolRefusal: "not found" },
	"legacy-sse": { status: 202, toolRefusal: "not found" },
	modern: { status: 200, rpcError: -32602 },
};

const MCP_CASES: McpCase[] = [
	// --- malformed input: a 4xx or a JSON-RPC error, never a 500 ---
	...["{not json", "", "{", '{"jsonrpc":"2.0",', "\u0000", "nul", '"\\ud800"x'].map(
		(raw): McpCase => ({
			name: `malformed JSON ${JSON.stringify(raw)}: 400 parse error`,
			attack: { raw },
			expect: { status: 400, rpcError: -32700 },
		}),
	),
	{
		name: "an unknown method: method not found",
		attack: { rpc: { method: "no/such/method" } },
		expect: {
			"legacy-mcp": { status: 200, rpcError: -32601 },
			"legacy-sse": { status: 202, rpcError: -32601 },
			modern: { status: 404, rpcError: -32601 },
		},
	},
	...[{ a: "1", b: [] }, { a: null, b: {} }, { a: true, b: "2" }, { a: 1 }, {}].map(
		(args): McpCase => ({
			name: `wrong argument types ${JSON.stringify(args)}: an error result, never run`,
			attack: { rpc: { method: "tools/call", params: { name: "add", arguments: args } } },
			expect: {
				"legacy-mcp": { status: 200, toolRefusal: "Input validation error" },
				"legacy-sse": { status: 202, toolRefusal: "Input validation error" },
				modern: { status: 200, toolRefusal: "Input validation error" },
			},
		}),
	),
	{
		// SDK v1 answers a request that fails its schema with -32603 (and the schema's complaint).
		name: "arguments that are not an object: a JSON-RPC error, never run",
		attack: { rpc: { method: "tools/call", params: { name: "add", arguments: [1, 2] } } },
		expect: {
			"legacy-mcp": { status: 200, rpcError: -32603 },
			"legacy-sse": { status: 202, rpcError: -32603 },
			modern: { status: 200, rpcError: -32602 },
		},
	},
	{
		name: "a multi-megabyte body: 413",
		attack: { rpc: { method: "tools/call", params: { name: "add", arguments: { a: 1, b: 2, pad: "x".repeat(5 * 1024 * 1024) } } } },
		expect: { status: 413, rpcError: -32600 },
	},
	// --- bearer tokens ---
	{
		name: "the token in the query string instead of the header: 401",
		attack: { rpc: { method: "tools/list" }, credential: "none", tokenInQuery: "access_token" },
		expect: NO_TOKEN,
	},
	{
		name: "no token: 401 naming the resource metadata",
		attack: { rpc: { method: "tools/list" }, credential: "none" },
		expect: NO_TOKEN,
	},
	...[
		"Bearer x",
		"Bearer a:b:c",
		"Bearer Bearer",
		`Bearer ${"a".repeat(5000)}`,
		"Bearer 583231:nogrant:nosecret",
		`Bearer ${"u".repeat(600)}:grant:secret`,
		`Bearer user:${"g".repeat(600)}:secret`,
		"Basic dXNlcjpwYXNz",
	].map(
		(header): McpCase => ({
			name: `a garbage Authorization header (${header.slice(0, 30)}): 401`,
			attack: { rpc: { method: "tools/list" }, credential: { header } },
			expect: header.startsWith("Basic") ? NO_TOKEN : BAD_TOKEN,
		}),
	),
	...(
		[
			["its secret altered", (token: string) => `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`],
			["its secret truncated", (token: string) => token.slice(0, -4)],
			["its secret extended", (token: string) => `${token}x`],
			["another grant id", (token: string) => token.replace(/:[^:]+:/, ":AAAAAAAAAAAAAAAA:")],
			["lowercased", (token: string) => token.toLowerCase()],
		] as const
	).map(
		([what, variant]): McpCase => ({
			name: `the lane's token with ${what}: 401`,
			attack: { rpc: { method: "tools/list" }, credential: { tokenVariant: variant } },
			expect: BAD_TOKEN,
		}),
	),
	{ name: "an expired token: 401", attack: { rpc: { method: "tools/list" }, credential: "expired" }, expect: BAD_TOKEN },
	{
		name: "a GitHub token presented as an MCP token: 401",
		attack: { rpc: { method: "tools/list" }, credential: "a GitHub token" },
		expect: BAD_TOKEN,
	},
	// --- browser origins (DNS rebinding, cross-site) ---
	...[
		"https://evil.example",
		"null",
		"http://attacker.example:8788",
		"https://mcp.example.com.evil.example",
		"https://evil.example.com",
	].map(
		(origin): McpCase => ({
			name: `a request from the web origin ${origin}: 403`,
			attack: { rpc: { method: "tools/call", params: { name: "add", arguments: { a: 1, b: 2 } } }, headers: { Origin: origin } },
			expect: { status: 403, error: "forbidden_origin" },
		}),
	),
	// --- scopes, per call ---
	{
		name: "a read-only token calling a write tool: 403 insufficient_scope naming the scopes",
		as: { scopes: ["github:read"] },
		attack: { rpc: { method: "tools/call", params: CREATE_ISSUE } },
		expect: INSUFFICIENT_SCOPE,
	},
	{
		name: "a read-only token calling a write tool named with a JSON escape: 403",
		as: { scopes: ["github:read"] },
		attack: {
			rpc: { method: "tools/call", params: CREATE_ISSUE },
			rewrite: (body) => body.replace('"create_issue"', '"create\\u005fissue"'),
		},
		expect: INSUFFICIENT_SCOPE,
	},
	{
		name: "a read-only token calling a write tool behind a duplicate name key: 403",
		as: { scopes: ["github:read"] },
		lanes: ["legacy-mcp", "legacy-sse"],
		attack: {
			rpc: { method: "tools/call", params: CREATE_ISSUE },
			rewrite: (body) => body.replace('"name":"create_issue"', '"name":"add","name":"create_issue"'),
		},
		expect: INSUFFICIENT_SCOPE,
	},
	...["CREATE_ISSUE", "create_issue ", " create_issue", "create\u0456ssue", "create_issue\u0000"].map(
		(name): McpCase => ({
			name: `a read-only token calling the write tool spelled ${JSON.stringify(name)}: not found, never run`,
			as: { scopes: ["github:read"] },
			attack: { rpc: { method: "tools/call", params: { ...CREATE_ISSUE, name } } },
			expect: NOT_FOUND_TOOL,
		}),
	),
	// --- the write allow-list, per call ---
	{
		name: "a user outside the write allow-list calling a write tool by name: refused, nothing written",
		as: { outsider: true },
		attack: { rpc: { method: "tools/call", params: CREATE_ISSUE } },
		expect: {
			// Both lanes let the call reach invoke.ts, which refuses it and records the refusal (audit).
			"legacy-mcp": { status: 200, toolRefusal: "limited to allowed GitHub accounts" },
			"legacy-sse": { status: 202, toolRefusal: "limited to allowed GitHub accounts" },
			modern: { status: 200, toolRefusal: "limited to allowed GitHub accounts" },
		},
	},
	// --- the caller travels from the guard, never from the client ---
	{
		name: "a caller header forged by the client (another user, every scope): ignored, the token's own user and scopes apply",
		as: { scopes: ["github:read"] },
		attack: { rpc: { method: "tools/call", params: { name: "whoami", arguments: {} } }, forgedCaller: true },
		expect: {
			"legacy-mcp": { status: 200, identity: { scopes: ["github:read"] } },
			"legacy-sse": { status: 202, identity: { scopes: ["github:read"] } },
			modern: { status: 200, identity: { scopes: ["github:read"] } },
		},
	},
];

/** A user of the test's own, signed in (tokens issued), for one lane run. */
async function callerFor(as: Caller = {}) {
	const user = await createStandInUser(standIn().baseUrl, as.outsider ? {} : { orgs: ["octo-org"] });
	const githubScopes = ["read:user", "user:email", "repo"];
	const githubToken = await mintGithubToken(standIn().baseUrl, user.login, { scopes: githubScopes });
	const tokens = await issueTokens(grantProps(user, { accessToken: githubToken, scopes: githubScopes }), as.scopes);
	return { user, githubToken, ...tokens };
}

async function expireAccessToken(accessToken: string): Promise<void> {
	// The token record (token:<user>:<grant>:<hash>) says when it expires; KV's own expiry only deletes it later.
	const [userId, grantId] = accessToken.split(":");
	const { keys } = await env.OAUTH_KV.list({ prefix: `token:${userId}:${grantId}:` });
	expect(keys).toHaveLength(1);
	const key = keys[0]?.name ?? "";
	const record = (await env.OAUTH_KV.get(key, { type: "json" })) as { expiresAt: number };
	await env.OAUTH_KV.put(key, JSON.stringify({ ...record, expiresAt: Math.floor(Date.now() / 1000) - 1 }));
}

function outcomeFor(outcome: McpCase["expect"], lane: WireLane): McpOutcome {
	return "status" in outcome ? (outcome as McpOutcome) : (outcome as Record<WireLane, McpOutcome>)[lane];
}

function expectNoSecret(reply: LaneReply, secrets: string[]): void {
	const headers = [...reply.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
	for (const secret of secrets) {
		expect(reply.body).not.toContain(secret);
		expect(headers).not.toContain(secret);
		expect(JSON.stringify(reply.message ?? null)).not.toContain(secret);
	}
}

const RUNS = MCP_CASES.flatMap((mcpCase) => (mcpCase.lanes ?? WIRE_LANES).map((lane) => ({ ...mcpCase, lane })));

describe("adversarial battery: the MCP endpoint, on every lane", () => {
	it.each(RUNS)("$lane: $name", async ({ lane, as, attack, expect: expected }) => {
		const caller = await callerFor(as);
		const raw = await openRawLane(lane, { send, origin: ORIGIN, token: caller.accessToken });
		try {
			let authorization: string | null | undefined;
			const credential = attack.credential;
			if (credential === "none") authorization = null;
			else if (credential === "expired") {
				await expireAccessToken(caller.accessToken);
				authorization = `Bearer ${caller.accessToken}`;
			} else if (credential === "a GitHub token") authorization = `Bearer ${caller.githubToken}`;
			else if (credential && "header" in credential) authorization = credential.header;
			else if (credential) authorization = `Bearer ${credential.tokenVariant(caller.accessToken)}`;

			const headers: Record<string, string> = { ...attack.headers };
			if (attack.forgedCaller) {
				headers["X-MCP-Caller"] = encodeCaller({
					user: { ...OCTOCAT },
					grant: { userId: OCTOCAT.id, grantId: "forged", clientId: "forged" },
					scopes: ALL_MCP_SCOPES,
					upstream: { accessToken: caller.githubToken, scopes: ["repo"] },
					view: { toolsets: null, readonly: false },
					origin: ORIGIN,
				});
			}
			const options: PostOptions = {
				...(authorization !== undefined ? { authorization } : {}),
				headers,
				...(attack.tokenInQuery ? { query: { [attack.tokenInQuery]: caller.accessToken } } : {}),
				...(attack.rewrite ? { rewrite: attack.rewrite } : {}),
			};
			const reply = attack.rpc
				? await raw.request(attack.rpc.method, attack.rpc.params, { ...options, id: 7 })
				: await raw.post(typeof attack.raw === "function" ? attack.raw() : (attack.raw ?? ""), options);

			const outcome = outcomeFor(expected, lane);
			expect(reply.status, reply.body.slice(0, 300)).toBe(outcome.status);
			expect(reply.body).not.toMatch(STACK_TRACE);
			expectNoSecret(reply, [caller.githubToken]);
			if (outcome.rpcError !== undefined) expect(reply.message?.error?.code, reply.body.slice(0, 300)).toBe(outcome.rpcError);
			if (outcome.error !== undefined) expect((JSON.parse(reply.body) as { error?: string }).error).toBe(outcome.error);
			for (const piece of outcome.challenge ?? []) expect(reply.headers.get("WWW-Authenticate") ?? "").toContain(piece);
			if (outcome.toolRefusal !== undefined) {
				expect(reply.message?.result?.isError, JSON.stringify(reply.message)).toBe(true);
				expect(resultText(reply.message?.result)).toContain(outcome.toolRefusal);
			}
			if (outcome.identity !== undefined) {
				expect(reply.message?.result?.isError ?? false, JSON.stringify(reply.message)).toBe(false);
				expect(reply.message?.result?.structuredContent).toMatchObject({ login: caller.user.login, scopes: outcome.identity.scopes });
			}

			// The lane keeps serving its rightful client (whose token, if it expired, is refreshed).
			let rightful: PostOptions = {};
			if (credential === "expired") {
				const refreshed = await flow.refresh(caller.clientId, caller.refreshToken);
				rightful = { authorization: `Bearer ${((await refreshed.json()) as { access_token: string }).access_token}` };
			}
			const after = await raw.request("tools/call", { name: "add", arguments: { a: 2, b: 3 } }, { ...rightful, id: 8 });
			expect(after.message?.result?.content, after.body.slice(0, 300)).toEqual([{ type: "text", text: "5" }]);
			expectNoSecret(after, [caller.githubToken]);
		} finally {
			await raw.close();
		}
		// Nothing was written to GitHub, and no MCP credential ever reached it.
		expect(await standInWrites(standIn().baseUrl, caller.githubToken)).toEqual([]);
		const presented = await presentedTokens(standIn().baseUrl);
		expect(presented).not.toContain(caller.accessToken);
		expect(presented).not.toContain(caller.refreshToken);
	});

	it("the server still signs in and serves every lane after all of the above", async () => {
		const signedIn = await flow.signIn();
		for (const lane of WIRE_LANES) {
			const raw = await openRawLane(lane, { send, origin: ORIGIN, token: signedIn.accessToken });
			const reply = await raw.request("tools/call", { name: "whoami", arguments: {} }, { id: 1 });
			expect(reply.message?.result?.structuredContent).toMatchObject({ login: "octocat" });
			await raw.close();
		}
	});
});
