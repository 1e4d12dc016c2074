/**
 * The OAuth side of MCP against a real `wrangler dev`, with the official SDK clients doing their
 * own OAuth (a headless browser answers our consent page and the GitHub stand-in): scopes chosen
 * on the consent page, step-up on both lanes, a denied consent, the 401 challenge, and no token
 * or secret in the server's output.
 */
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from "@modelcontextprotocol/client";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HeadlessOAuthProvider } from "../support/headless-oauth";
import { resultText } from "../support/mcp-wire";
import { githubWrites } from "../support/standin";
import { scratchRepo } from "../support/tool-examples";
import { type DevServer, startDevServer } from "./dev-server";

let server: DevServer;
/** Every token the clients received: none may appear in the server's output. */
const issued: string[] = [];
const standIn = () => inject("githubStandIn");

beforeAll(async () => {
	server = await startDevServer();
});
afterAll(async () => {
	await server?.stop();
});

async function signedInLegacy(provider: HeadlessOAuthProvider): Promise<LegacyClient> {
	const url = new URL("/mcp", server.origin);
	const first = new LegacyTransport(url, { authProvider: provider });
	await expect(new LegacyClient({ name: "e2e", version: "1.0.0" }).connect(first)).rejects.toThrow(UnauthorizedError);
	if (!provider.authorizationCode) throw new Error(`no code: ${provider.authorizationError}`);
	await first.finishAuth(provider.authorizationCode);
	const client = new LegacyClient({ name: "e2e", version: "1.0.0" });
	await client.connect(new LegacyTransport(url, { authProvider: provider }));
	issued.push(provider.storedTokens?.access_token ?? "", provider.storedTokens?.refresh_token ?? "");
	return client;
}

async function signedInModern(provider: HeadlessOAuthProvider): Promise<ModernClient> {
	const url = new URL("/mcp", server.origin);
	const pinned = { versionNegotiation: { mode: { pin: "2026-07-28" } } } as const;
	const first = new ModernTransport(url, { authProvider: provider });
	await expect(new ModernClient({ name: "e2e", version: "1.0.0" }, pinned).connect(first)).rejects.toThrow();
	if (!provider.authorizationResponse) throw new Error(`no code: ${provider.authorizationError}`);
	await first.finishAuth(provider.authorizationResponse);
	const client = new ModernClient({ name: "e2e", version: "1.0.0" }, pinned);
	await client.connect(new ModernTransport(url, { authProvider: provider }));
	issued.push(provider.storedTokens?.access_token ?? "", provider.storedTokens?.refresh_token ?? "");
	return client;
}

describe.each([
	["2025-11-25", signedInLegacy],
	["2026-07-28", signedInModern],
] as const)("scopes, %s client", (_revision, signIn) => {
	it("a read-only token calling a write tool meets 403 insufficient_scope, and nothing is written", async () => {
		const provider = new HeadlessOAuthProvider();
		const client = await signIn(provider);
		const repo = scratchRepo("step-up");
		const outcome = await client.callTool({ name: "create_issue", arguments: { owner: "octocat", repo, title: "Step-up" } }).then(
			(result) => resultText(result),
			(error: Error) => error.message,
		);
		await client.close();
		// The 2025 SDK surfaces the 403; the 2026 SDK acts on the challenge (SEP-835 step-up) and sends
		// the user back to authorize with the scope the 403 named, which ends this call unauthorized.
		const stepUp = provider.visited
			.map((url) => new URL(url))
			.filter((url) => url.pathname === "/authorize" && url.searchParams.get("scope")?.split(" ").includes("github:write"));
		expect(/403|insufficient_scope/i.test(outcome) || stepUp.length > 0, `outcome: ${outcome}`).toBe(true);
		expect(await githubWrites(standIn().baseUrl, `octocat/${repo}`)).toEqual([]);
	});

	it("a user who ticks github:write on the consent page gets a token that can write", async () => {
		const provider = new HeadlessOAuthProvider({ consent: "approve", login: "octocat", tick: ["github:write"] });
		const client = await signIn(provider);
		expect(provider.storedTokens && "scope" in provider.storedTokens ? String(provider.storedTokens.scope).split(" ") : []).toEqual([
			"github:read",
			"github:write",
		]);
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name)).toContain("create_issue");
		await client.close();
	});
});

describe("the user denies consent", () => {
	it("sends the client access_denied and issues no token", async () => {
		const provider = new HeadlessOAuthProvider({ consent: "deny", login: "octocat" });
		await expect(
			new LegacyClient({ name: "e2e", version: "1.0.0" }).connect(
				new LegacyTransport(new URL("/mcp", server.origin), { authProvider: provider }),
			),
		).rejects.toThrow(UnauthorizedError);
		expect(provider.authorizationError).toBe("access_denied");
		expect(provider.authorizationCode).toBeUndefined();
		expect(provider.storedTokens).toBeUndefined();
	});
});

describe("without a token", () => {
	it.each([
		["POST", "/mcp"],
		["GET", "/sse"],
	])("%s %s answers 401 naming the resource metadata", async (method, path) => {
		const response = await fetch(new URL(path, server.origin), {
			method,
			headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
			...(method === "POST" ? { body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }) } : {}),
		});
		expect(response.status).toBe(401);
		expect(response.headers.get("WWW-Authenticate")).toContain(`resource_metadata="${server.origin}/.well-known/oauth-protected-resource"`);
	});
});

describe("logs", () => {
	it("never contain a token, a code or a secret after full sign-ins", () => {
		const output = server.output();
		expect(output).not.toMatch(/gho_[A-Za-z0-9]/);
		expect(output).not.toContain("standin-client-secret");
		expect(output).not.toContain("e2e-only-0123456789abcdef");
		expect(issued.filter(Boolean).length).toBeGreaterThan(0);
		for (const token of issued.filter(Boolean)) expect(output).not.toContain(token);
	});
});
