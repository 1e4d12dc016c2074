/**
 * The MCP guard and scopes: what a token may list and call, step-up on insufficient scope,
 * Origin checks, protocol versions, and MCP sessions bound to the user who created them.
 */
import { describe, expect, it } from "vitest";
import {
	CookieJar,
	callWorker,
	createPkce,
	issueTokenForProps,
	mintGithubToken,
	ORIGIN,
	octocatProps,
	openConsent,
	registerClient,
	signIn,
	submitConsent,
} from "./helpers";
import { acceptAsShown, connectMcp, resultText } from "./mcp-client";

const ACCEPT = "application/json, text/event-stream";

function rpc(method: string, params: Record<string, unknown> = {}, id = 1) {
	return JSON.stringify({ jsonrpc: "2.0", id, method, params });
}

const INITIALIZE = rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } });

/** A raw Streamable HTTP POST to /mcp. */
function postMcp(token: string, body: string, headers: Record<string, string> = {}) {
	return callWorker("/mcp", {
		method: "POST",
		body,
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: ACCEPT, ...headers },
	});
}

/** Opens a raw session and returns its (signed) session id. */
async function openSession(token: string): Promise<string> {
	const response = await postMcp(token, INITIALIZE);
	expect(response.status).toBe(200);
	await response.text();
	const sessionId = response.headers.get("mcp-session-id");
	if (!sessionId) throw new Error("no session id");
	await (
		await postMcp(token, JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }), { "mcp-session-id": sessionId })
	).text();
	return sessionId;
}

async function hubotToken(): Promise<string> {
	const accessToken = await mintGithubToken("hubot");
	return issueTokenForProps({ githubId: 480938, login: "hubot", name: null, email: null, scopes: ["read:user"], accessToken });
}

describe("scopes on the consent page", () => {
	it.each([
		[[], "read:user user:email"],
		[["github:write"], "read:user user:email public_repo"],
		[["github:private"], "read:user user:email repo"],
		[["github:private", "github:write"], "read:user user:email repo"],
	])("ticking %j asks GitHub for %s", async (ticked, githubScope) => {
		const { client_id } = await registerClient();
		const consent = await openConsent(client_id, await createPkce());
		const response = await submitConsent(consent, "approve", ticked);
		expect(new URL(response.headers.get("Location") ?? "").searchParams.get("scope")).toBe(githubScope);
	});

	it("ticks the scopes the client asked for", async () => {
		const { client_id } = await registerClient();
		const pkce = await createPkce();
		const url = new URL("/authorize", ORIGIN);
		url.search = new URLSearchParams({
			response_type: "code",
			client_id,
			redirect_uri: "http://127.0.0.1:33418/oauth/callback",
			code_challenge: pkce.challenge,
			code_challenge_method: "S256",
			scope: "github:read github:write",
		}).toString();
		const page = await (await callWorker(url, { jar: new CookieJar() })).text();
		expect(page).toMatch(/value="github:write" checked/);
		expect(page).not.toMatch(/value="github:private" checked/);
	});

	it("refuses a scope the server does not offer", async () => {
		const { client_id } = await registerClient();
		const consent = await openConsent(client_id, await createPkce());
		const response = await submitConsent(consent, "approve", ["admin:org"]);
		// Unknown values are dropped before the library sees them: only the base scope is granted.
		expect(new URL(response.headers.get("Location") ?? "").searchParams.get("scope")).toBe("read:user user:email");
	});
});

describe("scope enforcement", () => {
	it("a read-only token lists only the read tools", async () => {
		const { accessToken } = await signIn("octocat");
		const client = await connectMcp(accessToken);
		const { tools } = await client.listTools();
		await client.close();
		expect(tools.map((tool) => tool.name).sort()).toEqual([
			"add",
			"add_to_counter",
			"get_file",
			"get_issue",
			"get_repo",
			"list_issues",
			"list_repos",
			"search_issues",
			"whoami",
		]);
	});

	it("a call that needs more scope gets HTTP 403 insufficient_scope naming the scope to ask for", async () => {
		const token = await issueTokenForProps(await octocatProps(), ["github:read"]);
		const sessionId = await openSession(token);
		const response = await postMcp(
			token,
			rpc("tools/call", { name: "create_issue", arguments: { owner: "octocat", repo: "x", title: "t" } }, 2),
			{
				"mcp-session-id": sessionId,
				"mcp-protocol-version": "2025-06-18",
			},
		);
		expect(response.status).toBe(403);
		const challenge = response.headers.get("WWW-Authenticate") ?? "";
		expect(challenge).toContain('error="insufficient_scope"');
		expect(challenge).toContain('scope="github:read github:write"');
		expect(challenge).toContain(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`);
		expect(await response.json()).toMatchObject({ error: "insufficient_scope" });
	});

	it("a token with github:write sees and calls create_issue", async () => {
		const { accessToken } = await signIn("octocat", ["github:write"]);
		const client = await connectMcp(accessToken, { elicit: acceptAsShown });
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name)).toContain("create_issue");
		const result = await client.callTool({ name: "create_issue", arguments: { owner: "octocat", repo: "repo-a-0", title: "Scopes work" } });
		await client.close();
		expect(result.isError).toBeFalsy();
		expect(resultText(result)).toMatch(/^Created issue #\d+ in octocat\/repo-a-0: http/);
	});

	it("the 401 challenge names the scope to request first", async () => {
		const response = await callWorker("/mcp", {
			method: "POST",
			body: INITIALIZE,
			headers: { "Content-Type": "application/json", Accept: ACCEPT },
		});
		expect(response.headers.get("WWW-Authenticate")).toContain('scope="github:read"');
	});

	it("the metadata advertises the scopes", async () => {
		const server = (await (await callWorker("/.well-known/oauth-authorization-server")).json()) as { scopes_supported: string[] };
		expect(server.scopes_supported).toEqual(["github:read", "github:private", "github:write"]);
		const resource = (await (await callWorker("/.well-known/oauth-protected-resource")).json()) as { scopes_supported: string[] };
		expect(resource.scopes_supported).toEqual(["github:read"]);
	});
});

describe("Origin", () => {
	it.each([
		["no Origin (a desktop or server client)", undefined, 200],
		["this server's own origin", ORIGIN, 200],
		["a page on localhost", "http://localhost:6274", 200],
		["another web site", "https://evil.example", 403],
		["a rebinding attacker's name for this host", "http://attacker.example:8788", 403],
		["an opaque origin", "null", 403],
	])("%s → %i", async (_case, origin, status) => {
		const token = await issueTokenForProps(await octocatProps());
		const response = await postMcp(token, INITIALIZE, origin ? { Origin: origin } : {});
		await response.text();
		expect(response.status).toBe(status);
	});

	it("applies to /sse too", async () => {
		const token = await issueTokenForProps(await octocatProps());
		const refused = await callWorker("/sse", {
			headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream", Origin: "https://evil.example" },
		});
		expect(refused.status).toBe(403);
		const allowed = await callWorker("/sse", {
			headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream", Origin: ORIGIN },
		});
		expect(allowed.status).toBe(200);
		const reader = allowed.body?.getReader();
		expect(new TextDecoder().decode((await reader?.read())?.value)).toContain("event: endpoint");
		await reader?.cancel();
	});

	it("allows the origins listed in ALLOWED_ORIGINS", async () => {
		const token = await issueTokenForProps(await octocatProps());
		const response = await callWorker("/mcp", {
			method: "POST",
			body: INITIALIZE,
			headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: ACCEPT, Origin: "https://app.example.com" },
			env: { ALLOWED_ORIGINS: "https://app.example.com, https://other.example.com" },
		});
		await response.text();
		expect(response.status).toBe(200);
	});
});

describe("MCP-Protocol-Version", () => {
	it("an unsupported version gets 400; a supported one is served", async () => {
		const token = await issueTokenForProps(await octocatProps());
		const sessionId = await openSession(token);
		const bad = await postMcp(token, rpc("tools/list", {}, 3), { "mcp-session-id": sessionId, "mcp-protocol-version": "1999-01-01" });
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain("Unsupported MCP-Protocol-Version");
		const good = await postMcp(token, rpc("tools/list", {}, 4), { "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" });
		expect(good.status).toBe(200);
		expect(await good.text()).toContain("whoami");
	});
});

describe("MCP sessions belong to their user", () => {
	it("another user's token with the session id never reaches the session (404)", async () => {
		const octocat = await issueTokenForProps(await octocatProps());
		const sessionId = await openSession(octocat);
		const intruder = await postMcp(await hubotToken(), rpc("tools/call", { name: "whoami", arguments: {} }, 5), {
			"mcp-session-id": sessionId,
			"mcp-protocol-version": "2025-06-18",
		});
		expect(intruder.status).toBe(404);
		expect(await intruder.text()).not.toContain("octocat");
		// The owner still can.
		const owner = await postMcp(octocat, rpc("tools/call", { name: "whoami", arguments: {} }, 6), {
			"mcp-session-id": sessionId,
			"mcp-protocol-version": "2025-06-18",
		});
		expect(owner.status).toBe(200);
		expect(await owner.text()).toContain("octocat");
	});

	it("the raw session id without its signature, or with a forged one, is not found", async () => {
		const octocat = await issueTokenForProps(await octocatProps());
		const sessionId = await openSession(octocat);
		const inner = sessionId.slice(0, sessionId.lastIndexOf("."));
		for (const presented of [inner, `${inner}.AAAA`, `${inner}.${"A".repeat(43)}`]) {
			const response = await postMcp(octocat, rpc("tools/list", {}, 7), {
				"mcp-session-id": presented,
				"mcp-protocol-version": "2025-06-18",
			});
			expect(response.status).toBe(404);
		}
	});

	it("an SSE session id cannot be joined by another user", async () => {
		const octocat = await issueTokenForProps(await octocatProps());
		const stream = await callWorker("/sse", { headers: { Authorization: `Bearer ${octocat}`, Accept: "text/event-stream" } });
		expect(stream.status).toBe(200);
		const reader = stream.body?.getReader();
		const first = new TextDecoder().decode((await reader?.read())?.value);
		const endpoint = /data: (\S+)/.exec(first)?.[1] ?? "";
		expect(endpoint).toMatch(/^\/sse\/message\?sessionId=[^.]+\.[A-Za-z0-9_-]+$/);
		await reader?.cancel();

		const hubot = await hubotToken();
		const post = await callWorker(endpoint, {
			method: "POST",
			body: rpc("tools/list", {}, 8),
			headers: { Authorization: `Bearer ${hubot}`, "Content-Type": "application/json" },
		});
		expect(post.status).toBe(404);
		const join = await callWorker(`/sse?${new URL(endpoint, ORIGIN).searchParams}`, {
			headers: { Authorization: `Bearer ${hubot}`, Accept: "text/event-stream" },
		});
		expect(join.status).toBe(404);
	});
});
