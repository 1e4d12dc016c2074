/**
 * What the McpAgent itself offers, through a real MCP client: per-session state that survives
 * eviction, the SQL cache of GitHub responses, elicitation on write tools, the allow-list gate,
 * resources, prompts and the Durable Object jurisdiction.
 */
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mayUseRestrictedTools, readAccessPolicy } from "../../src/mcp/permissions";
import { callWorker, issueTokenForProps, mintGithubToken, octocatProps, standIn } from "./helpers";
import { acceptAsShown, connectMcp, type ElicitHandler, resultText } from "./mcp-client";

async function hubotProps() {
	const scopes = ["read:user", "user:email", "repo"];
	return { githubId: 480938, login: "hubot", name: null, email: null, scopes, accessToken: await mintGithubToken("hubot", { scopes }) };
}

/** The requests "GitHub" saw with this GitHub token. */
async function githubRequests(token: string) {
	const response = await fetch(`${standIn().baseUrl}/_standin/requests?token=${encodeURIComponent(token)}`);
	return ((await response.json()) as { requests: { method: string; path: string; status: number; conditional: boolean }[] }).requests;
}

async function setOrgs(login: string, orgs: string[]) {
	await fetch(`${standIn().baseUrl}/_standin/orgs`, { method: "POST", body: JSON.stringify({ login, orgs }) });
}

describe("state", () => {
	it("keeps the session counter across calls, as a resource, and across the Durable Object's eviction", async () => {
		const client = await connectMcp(await issueTokenForProps(await octocatProps()));
		expect(resultText(await client.callTool({ name: "add_to_counter", arguments: { amount: 5 } }))).toBe("The counter is now 5.");
		expect((await client.callTool({ name: "add_to_counter", arguments: { amount: -2 } })).structuredContent).toEqual({ counter: 3 });

		// Evict every session object: the next request starts them again from storage.
		const transport = client.transport as { sessionId?: string } | undefined;
		const inner = (transport?.sessionId ?? "").replace(/\.[^.]+$/, "");
		const stub = env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(`streamable-http:${inner}`));
		await evictDurableObject(stub);

		expect(resultText(await client.callTool({ name: "add_to_counter", arguments: { amount: 1 } }))).toBe("The counter is now 4.");
		const resource = await client.readResource({ uri: "counter://session" });
		expect(resource.contents[0]).toMatchObject({ uri: "counter://session", text: "4" });
		await client.close();
	});

	it("starts every session at zero", async () => {
		const client = await connectMcp(await issueTokenForProps(await octocatProps()));
		expect((await client.readResource({ uri: "counter://session" })).contents[0]).toMatchObject({ text: "0" });
		await client.close();
	});
});

describe("sql: the session's cache of GitHub responses", () => {
	it("asks GitHub again with If-None-Match and serves the cached body on 304", async () => {
		const props = await octocatProps();
		const client = await connectMcp(await issueTokenForProps(props));
		const first = await client.callTool({ name: "get_repo", arguments: { owner: "octocat", repo: "repo-b-7" } });
		const second = await client.callTool({ name: "get_repo", arguments: { owner: "octocat", repo: "repo-b-7" } });
		await client.close();
		expect(second.structuredContent).toEqual(first.structuredContent);
		const requests = (await githubRequests(props.accessToken)).filter((request) => request.path.startsWith("/repos/octocat/repo-b-7"));
		expect(requests.map(({ status, conditional }) => ({ status, conditional }))).toEqual([
			{ status: 200, conditional: false },
			{ status: 304, conditional: true },
		]);
	});
});

describe("elicitation on write tools", () => {
	const create = { owner: "octocat", repo: "repo-b-7", title: "Proposed title", body: "Proposed body" };

	async function createIssueWith(elicit: ElicitHandler | undefined) {
		const props = await octocatProps();
		const client = await connectMcp(await issueTokenForProps(props), elicit ? { elicit } : {});
		const result = await client.callTool({ name: "create_issue", arguments: create });
		await client.close();
		const posts = (await githubRequests(props.accessToken)).filter((request) => request.method === "POST");
		return { result, text: resultText(result), posts };
	}

	it("shows the proposed issue, and creates what the user accepted, with their edits", async () => {
		let shown: unknown;
		const { result, posts } = await createIssueWith((request) => {
			shown = request;
			return { action: "accept", content: { title: "Edited title", body: "Edited body" } };
		});
		expect(shown).toMatchObject({
			message: "Create this issue in octocat/repo-b-7? You can edit it first.",
			requestedSchema: { properties: { title: { default: "Proposed title" }, body: { default: "Proposed body" } } },
		});
		expect(result.isError).toBeFalsy();
		expect(result.structuredContent).toMatchObject({ title: "Edited title" });
		expect(posts).toHaveLength(1);
	});

	it.each<[string, ElicitHandler | undefined, RegExp, boolean]>([
		["declines", () => ({ action: "decline" }), /Nothing was written: the user declined\./, false],
		["cancels", () => ({ action: "cancel" }), /Nothing was written: the user cancelled\./, false],
		["accepts an empty title", () => ({ action: "accept", content: { title: " ", body: "" } }), /the title was left empty/, true],
		["uses a client without elicitation", undefined, /does not support confirmation forms/, true],
	])("writes nothing when the user %s", async (_case, elicit, message, isError) => {
		const { result, text, posts } = await createIssueWith(elicit);
		expect(text).toMatch(message);
		expect(Boolean(result.isError)).toBe(isError);
		expect(posts).toEqual([]);
	});

	it("asks before commenting too", async () => {
		let asked = false;
		const client = await connectMcp(await issueTokenForProps(await octocatProps()), {
			elicit: (request) => {
				asked = true;
				return acceptAsShown(request);
			},
		});
		const result = await client.callTool({
			name: "add_issue_comment",
			arguments: { owner: "octocat", repo: "repo-b-7", number: 999, body: "hi" },
		});
		await client.close();
		expect(asked).toBe(true);
		// There is no issue 999: the confirmed comment reaches GitHub, which says not found.
		expect(resultText(result)).toContain("not found");
	});
});

describe("permissions: the allow-list (tests run with ALLOWED_GITHUB_ORGS=octo-org)", () => {
	it("a user outside it never sees the write tools, and cannot call them by name", async () => {
		const client = await connectMcp(await issueTokenForProps(await hubotProps()), { elicit: acceptAsShown });
		const names = (await client.listTools()).tools.map((tool) => tool.name);
		expect(names).not.toContain("create_issue");
		expect(names).not.toContain("add_issue_comment");
		expect(names).toContain("get_issue");
		const outcome = await client.callTool({ name: "create_issue", arguments: { owner: "octocat", repo: "repo-b-7", title: "x" } }).then(
			(result) => resultText(result),
			(error: Error) => error.message,
		);
		await client.close();
		expect(outcome).toMatch(/not found|unknown tool/i);
	});

	it("a member of an allowed organisation sees them", async () => {
		const client = await connectMcp(await issueTokenForProps(await octocatProps()));
		expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("create_issue");
		await client.close();
	});

	it("is checked again on every call: leaving the organisation ends access in an open session", async () => {
		await setOrgs("hubot", ["octo-org"]);
		const props = await hubotProps();
		const client = await connectMcp(await issueTokenForProps(props), { elicit: acceptAsShown });
		try {
			expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("create_issue");
			await setOrgs("hubot", []);
			const result = await client.callTool({ name: "create_issue", arguments: { owner: "octocat", repo: "repo-b-7", title: "x" } });
			expect(result.isError).toBe(true);
			expect(resultText(result)).toContain("limited to allowed GitHub accounts");
			expect((await githubRequests(props.accessToken)).filter((request) => request.method === "POST")).toEqual([]);
		} finally {
			await setOrgs("hubot", []);
			await client.close();
		}
	});

	it.each([
		[{}, "anyone", true],
		[{ ALLOWED_GITHUB_LOGINS: "Octocat" }, "octocat", true],
		[{ ALLOWED_GITHUB_LOGINS: "octocat" }, "hubot", false],
		[{ ALLOWED_GITHUB_ORGS: "octo-org" }, "hubot", false],
	])("policy %j lets %s in: %s", async (vars, login, allowed) => {
		expect(await mayUseRestrictedTools(readAccessPolicy(vars), login, async () => ["github"])).toBe(allowed);
	});

	it("fails closed when GitHub cannot say which organisations the user is in", async () => {
		const policy = readAccessPolicy({ ALLOWED_GITHUB_ORGS: "octo-org" });
		expect(await mayUseRestrictedTools(policy, "octocat", () => Promise.reject(new Error("GitHub down")))).toBe(false);
	});
});

describe("resources and prompts", () => {
	it("lists the counter resource and the issue template, and reads an issue as Markdown", async () => {
		const client = await connectMcp(await issueTokenForProps(await octocatProps()));
		expect((await client.listResources()).resources.map((resource) => resource.uri)).toContain("counter://session");
		expect((await client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate)).toContain(
			"github://repos/{owner}/{repo}/issues/{number}",
		);
		const issue = await client.readResource({ uri: "github://repos/octocat/repo-a-0/issues/1" });
		const first = issue.contents[0];
		const text = first && "text" in first ? first.text : "";
		expect(text).toContain("# Crash when the config file is empty (octocat/repo-a-0#1, open)");
		expect(text).toContain("A fix is on the way");
		await expect(client.readResource({ uri: "github://repos/octocat/repo-a-0/issues/999" })).rejects.toThrow(/not found/);
		await client.close();
	});

	it("offers a triage prompt that names the repository and the tools to use", async () => {
		const client = await connectMcp(await issueTokenForProps(await octocatProps()));
		expect((await client.listPrompts()).prompts.map((prompt) => prompt.name)).toContain("triage_issues");
		const prompt = await client.getPrompt({ name: "triage_issues", arguments: { owner: "octocat", repo: "repo-a-0", focus: "crashes" } });
		await client.close();
		const text = prompt.messages[0]?.content.type === "text" ? prompt.messages[0].content.text : "";
		expect(text).toContain("Triage the open issues of octocat/repo-a-0, focusing on crashes.");
		expect(text).toContain("list_issues");
	});
});

describe("jurisdiction", () => {
	const initialize = JSON.stringify({
		jsonrpc: "2.0",
		id: 1,
		method: "initialize",
		params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "j", version: "1" } },
	});

	it("places sessions through the namespace's configured jurisdiction", async () => {
		// workerd does not implement jurisdictions ("not implemented in workerd"), so this records
		// the call the Worker makes on Cloudflare and serves it from the local namespace.
		const requested: string[] = [];
		const namespace = new Proxy(env.MCP_OBJECT, {
			get(target, property) {
				if (property === "jurisdiction") {
					return (name: string) => {
						requested.push(name);
						return target;
					};
				}
				const value = Reflect.get(target, property, target);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
		const token = await issueTokenForProps(await octocatProps());
		const response = await callWorker("/mcp", {
			method: "POST",
			body: initialize,
			headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
			env: { MCP_JURISDICTION: "eu", MCP_OBJECT: namespace },
		});
		expect(response.status).toBe(200);
		expect(await response.text()).toContain('"serverInfo"');
		expect(requested).toContain("eu");
	});

	it("refuses an unknown jurisdiction with a clear configuration error", async () => {
		const token = await issueTokenForProps(await octocatProps());
		const response = await callWorker("/mcp", {
			method: "POST",
			body: initialize,
			headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
			env: { MCP_JURISDICTION: "mars" },
		});
		expect(response.status).toBe(500);
		expect(await response.text()).toContain('MCP_JURISDICTION must be empty, \\"eu\\" or \\"fedramp\\"');
	});
});
