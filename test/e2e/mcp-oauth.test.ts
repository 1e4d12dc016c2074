/**
 * End to end against a real `wrangler dev`: the official MCP SDK client registers itself,
 * authorizes (a headless browser approves the consent page and signs in at the GitHub
 * stand-in), exchanges the code for tokens, then lists and calls tools over /mcp and /sse.
 */

import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "./dev-server";
import { HeadlessOAuthProvider } from "./headless-oauth";
import { connectWithOAuth, createTransport, type TransportKind, resultText as text } from "./mcp-connect";

let server: DevServer;
/** Every token the clients received: none may appear in the server's output. */
const issued: string[] = [];

beforeAll(async () => {
	server = await startDevServer();
});
afterAll(async () => {
	await server?.stop();
});

describe.each<TransportKind>(["streamable-http", "sse"])("MCP SDK client over %s", (kind) => {
	it("registers, authorizes through consent and GitHub, and calls the tools as the stand-in user", async () => {
		const provider = new HeadlessOAuthProvider();
		const client = await connectWithOAuth(server.origin, kind, provider);

		// The SDK did dynamic registration and the token exchange itself.
		expect(provider.clientInformation()?.client_id).toBeTruthy();
		expect(provider.tokens()?.access_token).toBeTruthy();
		expect(provider.tokens()?.refresh_token).toBeTruthy();
		issued.push(provider.tokens()?.access_token ?? "", provider.tokens()?.refresh_token ?? "");
		// The browser went: our /authorize → the GitHub stand-in → our /callback.
		const paths = provider.visited.map((url) => new URL(url).pathname);
		expect(paths).toEqual(expect.arrayContaining(["/authorize", "/login/oauth/authorize", "/callback"]));

		const { tools } = await client.listTools();
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

		const whoami = JSON.parse(text(await client.callTool({ name: "whoami", arguments: {} })));
		expect(whoami).toMatchObject({ id: 583231, login: "octocat", name: "The Octocat", email: "octocat@github.com" });

		expect(text(await client.callTool({ name: "add", arguments: { a: 19, b: 23 } }))).toBe("42");

		const repos = await client.callTool({ name: "list_repos", arguments: { per_page: 5, sort: "full_name" } });
		expect(repos.isError).toBeFalsy();
		expect(text(repos)).toContain("(page 1, 5 shown)");

		// Every GitHub read tool answers over this transport.
		const repo = { owner: "octocat", repo: "repo-a-0" };
		expect((await client.callTool({ name: "get_repo", arguments: repo })).structuredContent).toMatchObject({
			full_name: "octocat/repo-a-0",
		});
		expect(text(await client.callTool({ name: "list_issues", arguments: { ...repo, labels: ["bug"] } }))).toContain(
			"#1 (open) Crash when the config file is empty",
		);
		expect(text(await client.callTool({ name: "get_issue", arguments: { ...repo, number: 1 } }))).toContain(
			"I can reproduce this on main.",
		);
		expect(text(await client.callTool({ name: "search_issues", arguments: { query: "crash repo:octocat/repo-a-0 is:open" } }))).toContain(
			"2 results",
		);
		expect(text(await client.callTool({ name: "get_file", arguments: { ...repo, path: "README.md" } }))).toContain("# Sample");
		expect(text(await client.callTool({ name: "add_to_counter", arguments: { amount: 2 } }))).toBe("The counter is now 2.");
		await client.close();
	});

	it("writes with github:write after the user confirms (elicitation)", async () => {
		const provider = new HeadlessOAuthProvider({ consent: "approve", login: "octocat", tick: ["github:write"] });
		const client = await connectWithOAuth(server.origin, kind, provider);
		issued.push(provider.tokens()?.access_token ?? "", provider.tokens()?.refresh_token ?? "");
		const created = await client.callTool({
			name: "create_issue",
			arguments: { owner: "octocat", repo: "repo-b-7", title: `Over ${kind}` },
		});
		expect(created.structuredContent).toMatchObject({ status: "created", title: `Over ${kind}` });
		const number = Number((created.structuredContent as { number: number }).number);
		const comment = await client.callTool({
			name: "add_issue_comment",
			arguments: { owner: "octocat", repo: "repo-b-7", number, body: "Confirmed." },
		});
		expect(comment.structuredContent).toMatchObject({ status: "created" });
		await client.close();
	});
});

describe("scopes", () => {
	it("a read-only client calling a write tool meets 403 insufficient_scope", async () => {
		const provider = new HeadlessOAuthProvider();
		const client = await connectWithOAuth(server.origin, "streamable-http", provider);
		issued.push(provider.tokens()?.access_token ?? "");
		expect(provider.tokens()?.scope).toBe("github:read");
		const outcome = await client
			.callTool({ name: "create_issue", arguments: { owner: "octocat", repo: "repo-a-0", title: "Step-up" } })
			.then(
				(result) => text(result),
				(error: Error) => error.message,
			);
		await client.close();
		// The SDK recognised the step-up challenge (it tried to upscope by refreshing, which
		// cannot broaden a grant); the write never happened.
		expect(outcome).toContain("403");
	});

	it("a user who ticks github:write on the consent page gets a token that can write", async () => {
		const provider = new HeadlessOAuthProvider({ consent: "approve", login: "octocat", tick: ["github:write"] });
		const client = await connectWithOAuth(server.origin, "streamable-http", provider);
		issued.push(provider.tokens()?.access_token ?? "", provider.tokens()?.refresh_token ?? "");
		expect(provider.tokens()?.scope?.split(" ")).toEqual(["github:read", "github:write"]);
		const result = await client.callTool({
			name: "create_issue",
			arguments: { owner: "octocat", repo: "repo-a-0", title: "Written over /mcp" },
		});
		await client.close();
		expect(result.isError).toBeFalsy();
		expect(text(result)).toMatch(/^Created issue #\d+ in octocat\/repo-a-0/);
	});
});

describe("the user denies consent", () => {
	it("sends the client access_denied and issues no token", async () => {
		const provider = new HeadlessOAuthProvider({ consent: "deny", login: "octocat" });
		const client = new Client({ name: "e2e", version: "1.0.0" });
		await expect(client.connect(createTransport(server.origin, "streamable-http", provider))).rejects.toThrow(UnauthorizedError);
		expect(provider.authorizationError).toBe("access_denied");
		expect(provider.authorizationCode).toBeUndefined();
		expect(provider.tokens()).toBeUndefined();
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
		expect(issued.length).toBeGreaterThan(0);
		for (const token of issued) expect(output).not.toContain(token);
	});
});
