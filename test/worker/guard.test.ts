/**
 * The MCP guard (src/mcp/guard/), the same for every lane: scopes per call (HTTP 403
 * insufficient_scope), browser Origins, the write allow-list asked again on every call, the body
 * limit, and what the SSE transport is handed. Protocol versions, batches and the 2026-07-28
 * headers are in protocol.test.ts; sessions in sessions.test.ts; limits in limits.test.ts.
 */
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/mcp/guard/body";
import { MAX_JSON_DEPTH } from "../../src/mcp/guard/messages";
import { TOOLS } from "../../src/mcp/registry";
import { ALL_MCP_SCOPES, type McpScope, normalizeScopes } from "../../src/scopes";
import { fromAddress } from "../support/client-address";
import { openRawLane, WIRE_LANES } from "../support/mcp-lanes";
import { discard, initializeBody, resultText } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { createStandInUser, mintGithubToken, setStandInOrgs, standInWrites } from "../support/standin";
import { grantProps } from "../support/users";
import { acceptAsShown, connect, issueTokens, LANES, ORIGIN, standIn } from "./harness";
import { workerSend } from "./worker-send";

const send = fromAddress(workerSend());
const flow = new OAuthFlow({ origin: ORIGIN, send });

/** A user of the test's own (limits and caches are per user), signed in with these MCP scopes. */
async function signedIn(scopes: readonly string[] = ALL_MCP_SCOPES, options: { orgs?: string[] } = { orgs: ["octo-org"] }) {
	const user = await createStandInUser(standIn().baseUrl, options);
	const githubToken = await mintGithubToken(standIn().baseUrl, user.login);
	const tokens = await issueTokens(grantProps(user, { accessToken: githubToken, scopes: ["read:user", "user:email", "repo"] }), scopes);
	return { user, githubToken, ...tokens };
}

describe("scopes on the consent page", () => {
	it.each([
		[[], "read:user user:email"],
		[["github:write"], "read:user user:email public_repo"],
		[["github:private"], "read:user user:email repo"],
		[["github:private", "github:write"], "read:user user:email repo"],
		[["admin:org"], "read:user user:email"],
		[["github:write", "github:write", "GITHUB:WRITE"], "read:user user:email public_repo"],
	])("ticking %j asks GitHub for %s (unknown values dropped)", async (ticked, githubScope) => {
		const { client_id } = await flow.register();
		const consent = await flow.openConsent(client_id);
		const response = await flow.submitConsent(consent, "approve", ticked);
		expect(new URL(response.headers.get("Location") ?? "").searchParams.get("scope")).toBe(githubScope);
	});

	it("ticks the scopes the client asked for, and only those", async () => {
		const { client_id } = await flow.register();
		const { page } = await flow.openConsent(client_id, { params: { scope: "github:read github:write" } });
		expect(page).toMatch(/value="github:write" checked/);
		expect(page).not.toMatch(/value="github:private" checked/);
	});
});

describe("scopes, per call, on every lane", () => {
	const READ_ONLY: McpScope[] = ["github:read"];
	const readTools = TOOLS.filter((tool) => tool.scope === null || READ_ONLY.includes(tool.scope)).map((tool) => tool.name);
	const beyond = TOOLS.filter((tool) => tool.scope !== null && !READ_ONLY.includes(tool.scope));

	it.each(LANES)("%s lane: a read-only token lists only the tools its scope allows", async (lane) => {
		const { accessToken } = await signedIn(READ_ONLY);
		const client = await connect(lane, accessToken);
		const { tools } = await client.listTools();
		await client.close();
		expect(tools.map((tool) => tool.name).sort()).toEqual([...readTools].sort());
	});

	const calls = WIRE_LANES.flatMap((lane) => beyond.map((tool) => [lane, tool.name, tool.scope as McpScope] as const));
	it.each(calls)("%s: a read-only token calling %s gets HTTP 403 insufficient_scope naming %s", async (lane, name, needed) => {
		const { accessToken, githubToken } = await signedIn(READ_ONLY);
		const raw = await openRawLane(lane, { send, origin: ORIGIN, token: accessToken });
		const reply = await raw.request("tools/call", {
			name,
			arguments: { owner: "octocat", repo: "repo-a-0", title: "t", issue_number: 1, body: "b" },
		});
		await raw.close();
		expect(reply.status).toBe(403);
		const challenge = reply.headers.get("WWW-Authenticate") ?? "";
		expect(challenge).toContain('error="insufficient_scope"');
		expect(challenge).toContain(`scope="${normalizeScopes([...READ_ONLY, needed]).join(" ")}"`);
		expect(challenge).toContain(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`);
		expect(JSON.parse(reply.body)).toMatchObject({ error: "insufficient_scope" });
		expect(await standInWrites(standIn().baseUrl, githubToken)).toEqual([]);
	});

	it.each(LANES)("%s lane: a token with github:write sees and calls create_issue", async (lane) => {
		const { user, accessToken, githubToken } = await signedIn(["github:read", "github:write"]);
		const client = await connect(lane, accessToken, { elicit: acceptAsShown });
		expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("create_issue");
		const result = await client.callTool({
			name: "create_issue",
			arguments: { owner: user.login, repo: "scratch-scopes", title: `Scopes work (${lane})` },
		});
		await client.close();
		expect(result.isError).toBeFalsy();
		expect(resultText(result)).toMatch(new RegExp(`^Created issue #\\d+ in ${user.login}/scratch-scopes: http`));
		expect(await standInWrites(standIn().baseUrl, githubToken)).toHaveLength(1);
	});

	it("the 401 challenge names the scope to request first, and the metadata advertises the scopes", async () => {
		const response = await send(
			new Request(new URL("/mcp", ORIGIN), { method: "POST", body: initializeBody(), headers: { "Content-Type": "application/json" } }),
		);
		expect(response.headers.get("WWW-Authenticate")).toContain('scope="github:read"');
		await discard(response);
		const server = (await (await send(new Request(new URL("/.well-known/oauth-authorization-server", ORIGIN)))).json()) as {
			scopes_supported: string[];
		};
		expect(server.scopes_supported).toEqual(ALL_MCP_SCOPES);
		const resource = (await (await send(new Request(new URL("/.well-known/oauth-protected-resource", ORIGIN)))).json()) as {
			scopes_supported: string[];
		};
		expect(resource.scopes_supported).toEqual(["github:read"]);
	});
});

describe("browser Origins, on every lane", () => {
	const ORIGINS: [what: string, origin: string | undefined, allowed: boolean][] = [
		["no Origin (a desktop or server client)", undefined, true],
		["this server's own origin", ORIGIN, true],
		["this server's own origin in capitals", "HTTPS://MCP.EXAMPLE.COM", true],
		["a page on localhost", "http://localhost:6274", true],
		["a page on 127.0.0.1", "http://127.0.0.1:6274", true],
		["a page on [::1]", "http://[::1]:6274", true],
		["an origin listed in ALLOWED_ORIGINS", "https://app.example.com", true],
		["another web site", "https://evil.example", false],
		["a rebinding attacker's name for this host", "http://attacker.example:8788", false],
		["an opaque origin", "null", false],
		["this host under plain http", "http://mcp.example.com", false],
		["this host on another port", "https://mcp.example.com:8443", false],
		["this host as a prefix", "https://mcp.example.com.evil.example", false],
		["a sibling subdomain", "https://evilmcp.example.com", false],
		["a listed origin on another port", "https://app.example.com:444", false],
		["a listed origin as a prefix", "https://app.example.com.evil.example", false],
		["a non-web scheme", "chrome-extension://abcdefghijklmnop", false],
		["a file page", "file://", false],
		["garbage", "not an origin", false],
		["two origins", `${ORIGIN} https://evil.example`, false],
	];
	const originSend = fromAddress(workerSend({ ALLOWED_ORIGINS: "https://app.example.com, https://other.example.com" }));
	const rows = WIRE_LANES.flatMap((lane) => ORIGINS.map(([what, origin, allowed]) => [lane, what, origin, allowed] as const));

	it.each(rows)("%s: %s → allowed: %s", async (lane, _what, origin, allowed) => {
		const { accessToken } = await signedIn();
		const raw = await openRawLane(lane, { send: originSend, origin: ORIGIN, token: accessToken });
		const reply = await raw.request(
			"tools/call",
			{ name: "add", arguments: { a: 1, b: 2 } },
			origin ? { headers: { Origin: origin } } : {},
		);
		await raw.close();
		if (allowed) expect(reply.message?.result?.content).toEqual([{ type: "text", text: "3" }]);
		else {
			expect(reply.status).toBe(403);
			expect(JSON.parse(reply.body)).toEqual({
				error: "forbidden_origin",
				error_description: "Requests from this web origin are not allowed.",
			});
		}
	});

	it.each([
		["https://evil.example", 403],
		[ORIGIN, 200],
	])("opening an SSE stream from %s: %i", async (origin, status) => {
		const { accessToken } = await signedIn();
		const response = await send(
			new Request(new URL("/sse", ORIGIN), {
				headers: { Authorization: `Bearer ${accessToken}`, Accept: "text/event-stream", Origin: origin },
			}),
		);
		expect(response.status).toBe(status);
		await discard(response);
	});
});

describe("the write allow-list, asked again on every call", () => {
	it.each(LANES)(
		"%s lane: leaving the allowed organisation refuses the next write in an open connection, and nothing is written",
		async (lane) => {
			const { user, accessToken, githubToken } = await signedIn(["github:read", "github:write"], { orgs: ["octo-org"] });
			const client = await connect(lane, accessToken, { elicit: acceptAsShown });
			const repo = { owner: user.login, repo: "scratch-allow-list" };
			const first = await client.callTool({ name: "create_issue", arguments: { ...repo, title: "allowed" } });
			expect(first.isError).toBeFalsy();
			expect(await standInWrites(standIn().baseUrl, githubToken)).toHaveLength(1);

			await setStandInOrgs(standIn().baseUrl, user.login, []);
			const second = await client.callTool({
				name: "create_issue",
				arguments: { ...repo, title: "no longer allowed" },
			});
			await client.close();
			expect(second.isError).toBe(true);
			expect(resultText(second)).toContain("limited to allowed GitHub accounts");
			expect(await standInWrites(standIn().baseUrl, githubToken)).toHaveLength(1);
		},
	);
});

describe("an allow-listed login, held by the account that first used it", () => {
	const restricted = TOOLS.filter((tool) => tool.restricted);
	const REFUSED = "limited to allowed GitHub accounts";
	/** ALLOWED_GITHUB_LOGINS of the worker test env (vitest.config.ts): one login per lane, with a fixed account id. */
	const PINNED = {
		"legacy-mcp": ["pin-legacy-mcp", "4100000001"],
		"legacy-sse": ["pin-legacy-sse", "4100000002"],
		modern: ["pin-modern", "4100000003"],
	};

	/** What an account sees and gets on one lane: the tools listed, and each restricted tool's answer. */
	async function tryRestricted(lane: (typeof WIRE_LANES)[number], accessToken: string) {
		const raw = await openRawLane(lane, { send, origin: ORIGIN, token: accessToken });
		const listed = (await raw.request("tools/list")).message?.result?.tools as { name: string }[];
		const calls: string[] = [];
		for (const tool of restricted) {
			const reply = await raw.request("tools/call", { name: tool.name, arguments: { ...tool.example, repo: "scratch-login-pin" } });
			calls.push(JSON.stringify(reply.message ?? reply.body));
		}
		await raw.close();
		return { listed: listed.map((tool) => tool.name), calls };
	}

	it.each(WIRE_LANES)("%s: another account under that login later (renamed away, then taken) gets no restricted tool", async (lane) => {
		const [login = "", id = ""] = PINNED[lane];
		// The GitHub token of a stand-in user in no organisation: the login alone must decide.
		const holder = await createStandInUser(standIn().baseUrl, { orgs: [] });
		const githubToken = await mintGithubToken(standIn().baseUrl, holder.login);
		const upstream = { accessToken: githubToken, scopes: ["read:user", "user:email", "repo"] };
		const owner = { id, login, name: null, email: null };
		// GitHub ids are never reused: the newcomer has another one, and the same login.
		const newcomer = { ...owner, id: String(Number(id) + 7_000_000) };
		const ownerToken = (await issueTokens(grantProps(owner, upstream))).accessToken;
		const newcomerToken = (await issueTokens(grantProps(newcomer, upstream))).accessToken;

		const first = await tryRestricted(lane, ownerToken);
		for (const tool of restricted) expect(first.listed).toContain(tool.name);
		for (const call of first.calls) expect(call).not.toContain(REFUSED);

		const taken = await tryRestricted(lane, newcomerToken);
		for (const tool of restricted) expect(taken.listed).not.toContain(tool.name);
		for (const call of taken.calls) expect(call).toContain(REFUSED);
		expect(await standInWrites(standIn().baseUrl, githubToken)).toHaveLength(0);

		// The first account keeps its place.
		const again = await tryRestricted(lane, ownerToken);
		for (const tool of restricted) expect(again.listed).toContain(tool.name);
	});
});

describe("the body limit, on every lane", () => {
	const padded = (bytes: number) => {
		const shell = JSON.stringify({
			jsonrpc: "2.0",
			id: 5,
			method: "tools/call",
			params: { name: "add", arguments: { a: 1, b: 2, pad: "" } },
		});
		return shell.replace('"pad":""', `"pad":"${"x".repeat(bytes - shell.length)}"`);
	};

	it.each(WIRE_LANES)("%s: one byte over the limit gets 413; a large body under it is served", async (lane) => {
		const { accessToken } = await signedIn();
		const raw = await openRawLane(lane, { send, origin: ORIGIN, token: accessToken });
		const over = await raw.post(padded(MAX_BODY_BYTES + 1));
		expect(over.status).toBe(413);
		// The guard's answer (the transports' own limits answer differently, after reading).
		expect(JSON.parse(over.body)).toEqual({
			jsonrpc: "2.0",
			id: null,
			error: { code: -32600, message: `Request body too large. Maximum size is ${MAX_BODY_BYTES} bytes.` },
		});
		expect(over.headers.get("Cache-Control")).toBe("no-store");
		// Under the limit (the transports' own limits are the same or larger), the lane serves it.
		const under = await raw.request("tools/call", { name: "add", arguments: { a: 1, b: 2, pad: "x".repeat(1024 * 1024) } }, { id: 6 });
		expect(under.message?.result?.content).toEqual([{ type: "text", text: "3" }]);
		await raw.close();
	});

	it.each(WIRE_LANES)("%s: a streamed body of 16 MiB is refused after reading little more than the limit", async (lane) => {
		const { accessToken } = await signedIn();
		const raw = await openRawLane(lane, { send, origin: ORIGIN, token: accessToken });
		const chunk = new TextEncoder().encode("x".repeat(256 * 1024));
		let pulled = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (pulled >= 16 * 1024 * 1024) return controller.close();
				pulled += chunk.byteLength;
				controller.enqueue(chunk);
			},
		});
		const url = new URL(lane === "legacy-sse" ? `/sse/message?sessionId=${raw.sessionId}` : "/mcp", ORIGIN);
		const headers = new Headers({
			Authorization: `Bearer ${accessToken}`,
			"Content-Type": "application/json",
			Accept: "application/json, text/event-stream",
		});
		if (lane === "legacy-mcp") headers.set("Mcp-Session-Id", raw.sessionId ?? "");
		const response = await send(new Request(url, { method: "POST", headers, body, duplex: "half" } as RequestInit));
		expect(response.status).toBe(413);
		await discard(response);
		expect(pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + 4 * chunk.byteLength);
		await raw.close();
	});

	it("a multi-byte body is measured in bytes, not characters", async () => {
		const { accessToken } = await signedIn();
		const raw = await openRawLane("modern", { send, origin: ORIGIN, token: accessToken });
		const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { pad: "é".repeat(MAX_BODY_BYTES / 2 + 10) } });
		expect(body.length).toBeLessThan(MAX_BODY_BYTES);
		expect((await raw.post(body)).status).toBe(413);
	});
});

// Regression: arguments nested deeply enough passed the guard and the SDK's schema, then overflowed
// the stack in agents (JSON.stringify of the message, structured clone to the Durable Object): a
// 500, and for an initialize a session object left behind with its place among the grant's.
describe("nesting depth, on every lane", () => {
	const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
	const addWith = (deep: string) => (body: string) => body.replace('"DEEP"', deep);

	it.each(WIRE_LANES)("%s: arguments nested 100,000 levels deep get 400 and run nothing; nesting to the limit is served", async (lane) => {
		const { accessToken } = await signedIn();
		const raw = await openRawLane(lane, { send, origin: ORIGIN, token: accessToken });
		const params = { name: "add", arguments: { a: 1, b: 2, deep: "DEEP" } };
		const refused = await raw.request("tools/call", params, { id: 6, rewrite: addWith(nested(100_000)) });
		expect(refused.status, refused.body.slice(0, 200)).toBe(400);
		expect(refused.message?.error).toEqual({
			code: -32600,
			message: `Invalid request: the body nests deeper than ${MAX_JSON_DEPTH} levels.`,
		});
		// The message, its params and the arguments are three levels: the rest may nest to the limit.
		const atLimit = await raw.request("tools/call", params, { id: 7, rewrite: addWith(nested(MAX_JSON_DEPTH - 3)) });
		expect(atLimit.message?.result?.content, atLimit.body.slice(0, 200)).toEqual([{ type: "text", text: "3" }]);
		const overLimit = await raw.request("tools/call", params, { id: 8, rewrite: addWith(nested(MAX_JSON_DEPTH - 2)) });
		expect(overLimit.status).toBe(400);
		// Brackets and escaped quotes inside strings are text, not nesting.
		const inStrings = await raw.request(
			"tools/call",
			{ name: "add", arguments: { a: 1, b: 2, note: `${"[{".repeat(5_000)}"]` } },
			{ id: 9 },
		);
		expect(inStrings.message?.result?.content, inStrings.body.slice(0, 200)).toEqual([{ type: "text", text: "3" }]);
		await raw.close();
	});

	it("an initialize nested too deeply gets 400 and takes no place among the grant's sessions", async () => {
		const { accessToken } = await signedIn();
		const capped = workerSend({ MAX_SESSIONS_PER_GRANT: "1" });
		const deep = initializeBody().replace('"capabilities":{}', `"capabilities":{"x":${nested(100_000)}}`);
		for (let attempt = 0; attempt < 3; attempt++) {
			const response = await capped(
				new Request(new URL("/mcp", ORIGIN), {
					method: "POST",
					headers: {
						Authorization: `Bearer ${accessToken}`,
						"Content-Type": "application/json",
						Accept: "application/json, text/event-stream",
					},
					body: deep,
				}),
			);
			expect(response.status).toBe(400);
			await discard(response);
		}
		// The one place this grant has is still free.
		const session = await openRawLane("legacy-mcp", { send: capped, origin: ORIGIN, token: accessToken });
		expect((await session.request("tools/call", { name: "add", arguments: { a: 1, b: 1 } })).message?.result?.content).toEqual([
			{ type: "text", text: "2" },
		]);
		await session.close();
	});
});

// Regression: McpAgent's SSE transport parses a posted message itself, without catching, so a body
// that was not JSON (SyntaxError) or not one JSON-RPC message (a ZodError the session's RPC could
// not even return) was an uncaught exception: a 500.
describe("regression: a body that is not one JSON-RPC message, posted to an SSE session, crashed the Worker (500)", () => {
	it.each([
		["malformed JSON", "{not json", -32700],
		["an empty body", "", -32700],
		["a JSON object that is not JSON-RPC", '{"hello":1}', -32600],
		["a JSON string", '"tools/list"', -32600],
		["JSON null", "null", -32600],
		["a number", "42", -32600],
		["an empty batch", "[]", -32600],
		["a batch", JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "tools/list" }]), -32600],
		["a request without a method", JSON.stringify({ jsonrpc: "2.0", id: 1 }), -32600],
		["a method that is not a string", JSON.stringify({ jsonrpc: "2.0", id: 1, method: 7 }), -32600],
	] as const)("%s: 400 (%i), and the session keeps serving", async (_what, body, code) => {
		const { accessToken } = await signedIn();
		const raw = await openRawLane("legacy-sse", { send, origin: ORIGIN, token: accessToken });
		const reply = await raw.post(body);
		expect(reply.status).toBe(400);
		expect(JSON.parse(reply.body)).toMatchObject({ jsonrpc: "2.0", id: null, error: { code } });
		const after = await raw.request("tools/call", { name: "add", arguments: { a: 2, b: 2 } });
		expect(after.message?.result?.content).toEqual([{ type: "text", text: "4" }]);
		await raw.close();
	});
});
