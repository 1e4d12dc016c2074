/**
 * Which tools a connection sees and may call, in both lanes (the McpAgent session for 2025-era
 * clients, the stateless SDK v2 server for 2026-07-28), with every expected list read from the
 * registry: scopes, toolsets, read-only mode and the write allow-list (ALLOWED_GITHUB_ORGS is
 * "octo-org" in the worker test env). The demo tools, the counter resource and the prompt are in
 * demo-tools.test.ts.
 *
 * Tests that write use their own scratch repository, and tests that change organisations their
 * own stand-in user, so this file runs beside the others.
 */
import { describe, expect, it, vi } from "vitest";
import { isWriteTool, TOOLSETS, type Toolset } from "../../src/mcp/define";
import { PROMPTS, RESOURCES, TOOLS } from "../../src/mcp/registry";
import { ALL_MCP_SCOPES, type McpScope } from "../../src/scopes";
import { type CallOutcome, callOutcome, initializeBody, legacyHeaders, MCP_ACCEPT, modernRequest, readResponse } from "../support/mcp-wire";
import { clearStandInFaults, githubRequests, githubWrites, mintGithubToken, setStandInFaults, setStandInOrgs } from "../support/standin";
import { grantProps, OCTOCAT } from "../support/users";
import { acceptAsShown, call, connect, issueToken, LANES, type Lane, newUser, standIn, type TestClient, userProps } from "./harness";

// Several tests loop over real MCP round trips, which slow down when other test files run alongside.
vi.setConfig({ testTimeout: 30_000 });

const WRITE_TOOLS = TOOLS.filter(isWriteTool).map((tool) => tool.name);
const RESTRICTED_TOOLS = TOOLS.filter((tool) => tool.restricted).map((tool) => tool.name);

/** The registry's tools a token with `scopes` sees, in registry order. */
function expectedTools(
	options: { scopes?: readonly McpScope[]; toolsets?: readonly Toolset[]; readonly?: boolean; restrictedAllowed?: boolean } = {},
) {
	const { scopes = ALL_MCP_SCOPES, toolsets, readonly = false, restrictedAllowed = true } = options;
	return TOOLS.filter(
		(tool) =>
			(tool.scope === null || scopes.includes(tool.scope)) &&
			(!toolsets || toolsets.includes(tool.toolset)) &&
			!(readonly && isWriteTool(tool)) &&
			(restrictedAllowed || !tool.restricted),
	).map((tool) => tool.name);
}

async function listedNames(client: TestClient): Promise<string[]> {
	return (await client.listTools()).tools.map((tool) => tool.name);
}

/** A client for octocat (a member of octo-org) with every scope, or the given ones. */
async function octocatClient(lane: Lane, options: Parameters<typeof connect>[2] & { scopes?: readonly McpScope[] } = {}) {
	const { scopes, ...connectOptions } = options;
	return connect(lane, await issueToken(await userProps(), scopes), connectOptions);
}

describe("the registry", () => {
	it("names each tool once, in snake_case, with a toolset, a described input and an output schema for structured tools", () => {
		const names = TOOLS.map((tool) => tool.name);
		expect(new Set(names).size).toBe(names.length);
		for (const tool of TOOLS) {
			expect(tool.name).toMatch(/^[a-z][a-z0-9_]*$/);
			expect(Object.keys(TOOLSETS)).toContain(tool.toolset);
			expect(tool.description.length).toBeGreaterThan(30);
			// Write tools say what they act on for the audit trail, and are confirmed or stateful.
			if (isWriteTool(tool)) expect(tool.auditTarget).toBeTypeOf("function");
			if (tool.restricted) expect(isWriteTool(tool)).toBe(true);
		}
	});
});

describe.each(LANES)("tools/list (%s lane)", (lane) => {
	it("lists every tool a token with every scope may use, in registry order, each described", async () => {
		const client = await octocatClient(lane);
		const { tools } = await client.listTools();
		await client.close();
		expect(tools.map((tool) => tool.name)).toEqual(TOOLS.map((tool) => tool.name));
		for (const listed of tools) {
			const definition = TOOLS.find((tool) => tool.name === listed.name);
			const described = listed as typeof listed & {
				description?: string;
				inputSchema: { properties?: Record<string, { description?: string }> };
				outputSchema?: unknown;
			};
			expect(described.description).toBe(definition?.description);
			expect(Object.keys(described.inputSchema.properties ?? {})).toEqual(Object.keys(definition?.input ?? {}));
			for (const property of Object.values(described.inputSchema.properties ?? {})) expect(property.description).toBeTruthy();
			expect(described.outputSchema !== undefined).toBe(definition?.output !== undefined);
			expect(listed.annotations).toMatchObject(definition?.annotations ?? {});
		}
	});

	it("gives the same tools, in the same order and with the same schemas, on every listing", async () => {
		const client = await octocatClient(lane);
		const first = (await client.listTools()).tools;
		// Schemas are converted once per isolate in the 2026-07-28 lane: calls in between must not change them.
		expect((await client.callTool({ name: "add", arguments: { a: 1, b: 2 } })).isError).toBeFalsy();
		const second = (await client.listTools()).tools;
		await client.close();
		expect(second.map((tool) => tool.name)).toEqual(first.map((tool) => tool.name));
		expect(second).toEqual(first);
	});

	it.each<[string, McpScope[]]>([
		["github:read", ["github:read"]],
		["github:read github:private", ["github:read", "github:private"]],
		["github:read github:write", ["github:read", "github:write"]],
	])("lists only what a token with %s may call", async (_label, scopes) => {
		const client = await octocatClient(lane, { scopes });
		expect(await listedNames(client)).toEqual(expectedTools({ scopes }));
		await client.close();
	});

	it("lists the resources and the prompt of the registry", async () => {
		const client = await octocatClient(lane);
		const resources = (await client.listResources()).resources.map((resource) => resource.uri);
		const templates = (await client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate);
		const prompts = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
		await client.close();
		expect(resources).toEqual(RESOURCES.flatMap((resource) => (resource.kind === "fixed" ? [resource.uri] : [])));
		expect(templates).toEqual(RESOURCES.flatMap((resource) => (resource.kind === "template" ? [resource.uriTemplate] : [])));
		expect(prompts).toEqual(PROMPTS.map((prompt) => prompt.name));
	});
});

describe.each(LANES)("toolsets and read-only mode (%s lane)", (lane) => {
	it.each(Object.keys(TOOLSETS) as Toolset[])("?toolsets=%s lists exactly that toolset's tools", async (toolset) => {
		const client = await octocatClient(lane, { query: `?toolsets=${toolset}` });
		expect(await listedNames(client)).toEqual(expectedTools({ toolsets: [toolset] }));
		await client.close();
	});

	it("?toolsets=issues,repos lists exactly those two toolsets, in registry order", async () => {
		const client = await octocatClient(lane, { query: "?toolsets=issues,repos" });
		const names = await listedNames(client);
		await client.close();
		expect(names).toEqual(expectedTools({ toolsets: ["issues", "repos"] }));
		expect(names.length).toBeGreaterThan(0);
	});

	it("takes the toolsets and read-only mode from the X-MCP-Toolsets and X-MCP-Readonly headers too", async () => {
		const client = await octocatClient(lane, { headers: { "X-MCP-Toolsets": "issues, repos", "X-MCP-Readonly": "1" } });
		expect(await listedNames(client)).toEqual(expectedTools({ toolsets: ["issues", "repos"], readonly: true }));
		await client.close();
	});

	it("read-only mode hides every write tool, even with github:write", async () => {
		const client = await octocatClient(lane, { query: "?readonly=1" });
		const names = await listedNames(client);
		await client.close();
		expect(names).toEqual(expectedTools({ readonly: true }));
		for (const name of WRITE_TOOLS) expect(names).not.toContain(name);
	});

	it("read-only mode refuses a write tool called by name, and nothing reaches GitHub", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const repo = `${user.login}/scratch-readonly-${lane}`;
		const client = await connect(lane, await issueToken(await userProps(user)), { query: "?readonly=1", elicit: acceptAsShown });
		for (const name of WRITE_TOOLS) {
			const [owner = "", repoName = ""] = repo.split("/");
			const outcome = await callOutcome(client, name, { owner, repo: repoName, title: "t", number: 1, body: "b", amount: 1 });
			expect(outcome.isError, name).toBe(true);
		}
		await client.close();
		expect(await githubWrites(standIn().baseUrl, repo)).toEqual([]);
	});

	it("refuses a tool outside the chosen toolsets when it is called by name", async () => {
		const githubToken = await mintGithubToken(standIn().baseUrl, "octocat");
		const client = await connect(lane, await issueToken(grantProps(OCTOCAT, { accessToken: githubToken, scopes: ["repo"] })), {
			query: "?toolsets=account",
		});
		const hidden = await callOutcome(client, "get_repo", { owner: "octocat", repo: "repo-a-0" });
		const shown = await callOutcome(client, "whoami");
		await client.close();
		expect(hidden.isError).toBe(true);
		expect(hidden.text).toMatch(/get_repo/);
		expect(shown.isError).toBe(false);
		// The refused call never reached GitHub.
		const requests = await githubRequests(standIn().baseUrl, githubToken);
		expect(requests.filter((request) => request.path.startsWith("/repos/"))).toEqual([]);
	});

	it("never widens: a chosen toolset keeps out the tools the token's scopes exclude", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const client = await connect(lane, await issueToken(await userProps(user), ["github:read"]), {
			query: "?toolsets=issues",
			elicit: acceptAsShown,
		});
		const names = await listedNames(client);
		expect(names).toEqual(expectedTools({ scopes: ["github:read"], toolsets: ["issues"] }));
		expect(names).not.toContain("create_issue");
		const repo = `${user.login}/scratch-narrow-${lane}`;
		const outcome = await callOutcome(client, "create_issue", { owner: user.login, repo: repo.split("/")[1], title: "t" });
		await client.close();
		expect(outcome.isError).toBe(true);
		expect(await githubWrites(standIn().baseUrl, repo)).toEqual([]);
	});

	it.each([
		["?toolsets=nope", {}],
		["?toolsets=issues,nope", {}],
		["?readonly=maybe", {}],
		["", { "X-MCP-Toolsets": "issues,nope" }],
		["", { "X-MCP-Readonly": "2" }],
	])("answers %s %j with HTTP 400 and a message that lists the choices", async (query, headers) => {
		const token = await issueToken(await userProps());
		const body =
			lane === "legacy"
				? { body: initializeBody(), headers: { ...legacyHeaders(token), ...headers } }
				: (() => {
						const request = modernRequest("tools/list");
						return { body: request.body, headers: { ...request.headers, Authorization: `Bearer ${token}`, ...headers } };
					})();
		const response = await call(`/mcp${query}`, { method: "POST", ...body });
		expect(response.status).toBe(400);
		const text = await response.text();
		expect(text).toMatch(/Toolsets: account, repos|readonly must be 1 or 0/);
	});
});

describe("toolsets and read-only mode over /sse (legacy lane)", () => {
	it("lists exactly the chosen toolsets with ?toolsets=", async () => {
		const client = await octocatClient("legacy", { sse: true, query: "?toolsets=issues,repos" });
		expect(await listedNames(client)).toEqual(expectedTools({ toolsets: ["issues", "repos"] }));
		await client.close();
	});

	it("hides and refuses write tools with X-MCP-Readonly", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const client = await connect("legacy", await issueToken(await userProps(user)), {
			sse: true,
			headers: { "X-MCP-Readonly": "true" },
			elicit: acceptAsShown,
		});
		expect(await listedNames(client)).toEqual(expectedTools({ readonly: true }));
		const outcome = await callOutcome(client, "create_issue", { owner: user.login, repo: "scratch-sse-readonly", title: "t" });
		await client.close();
		expect(outcome.isError).toBe(true);
		expect(await githubWrites(standIn().baseUrl, `${user.login}/scratch-sse-readonly`)).toEqual([]);
	});

	it("answers an unknown toolset with HTTP 400", async () => {
		const token = await issueToken(await userProps());
		const response = await call("/sse?toolsets=nope", { headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" } });
		expect(response.status).toBe(400);
		expect(await response.text()).toContain("Unknown toolset");
	});
});

describe.each(LANES)("the write allow-list: ALLOWED_GITHUB_ORGS=octo-org (%s lane)", (lane) => {
	it("a member of an allowed organisation sees the restricted tools", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const client = await connect(lane, await issueToken(await userProps(user)));
		expect(await listedNames(client)).toEqual(expectedTools());
		await client.close();
	});

	it("a user outside it never sees the restricted tools, and cannot call them by name", async () => {
		const user = await newUser({ orgs: ["other-org"] });
		const repo = `${user.login}/scratch-outsider-${lane}`;
		const client = await connect(lane, await issueToken(await userProps(user)), { elicit: acceptAsShown });
		const names = await listedNames(client);
		expect(names).toEqual(expectedTools({ restrictedAllowed: false }));
		for (const name of RESTRICTED_TOOLS) {
			const outcome = await callOutcome(client, name, { owner: user.login, repo: repo.split("/")[1], title: "t", number: 1, body: "b" });
			expect(outcome.isError, name).toBe(true);
		}
		await client.close();
		expect(await githubWrites(standIn().baseUrl, repo)).toEqual([]);
	});

	it("is asked again on every call: leaving the organisation ends access in an open connection", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const repo = `scratch-recheck-${lane}`;
		const client = await connect(lane, await issueToken(await userProps(user)), { elicit: acceptAsShown });
		expect(await listedNames(client)).toEqual(expectedTools());
		const before = await callOutcome(client, "create_issue", { owner: user.login, repo, title: "while a member" });
		expect(before.structured).toMatchObject({ status: "created" });

		await setStandInOrgs(standIn().baseUrl, user.login, []);
		const after = await callOutcome(client, "create_issue", { owner: user.login, repo, title: "after leaving" });
		await client.close();
		expect(after.isError).toBe(true);
		expect(after.text).toBe("This tool is limited to allowed GitHub accounts, and the signed-in account is not one of them.");
		expect(after.structured).toEqual({ status: "refused" });
		const writes = await githubWrites(standIn().baseUrl, `${user.login}/${repo}`);
		expect(writes).toHaveLength(1);
	});

	it("hides the restricted tools from a listing GitHub cannot answer, and shows them again at the next (regression: the failure was kept for a minute)", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const token = await issueToken(await userProps(user));
		await setStandInFaults(standIn().baseUrl, user.login, { serverErrorRate: 1, seed: 1 });
		let client: TestClient;
		try {
			client = await connect(lane, token);
			expect(await listedNames(client)).toEqual(expectedTools({ restrictedAllowed: false }));
		} finally {
			await clearStandInFaults(standIn().baseUrl, user.login);
		}
		// The 2026 lane's client keeps a tools/list for the cacheHint's time: ask with a new one.
		if (lane === "modern") {
			await client.close();
			client = await connect(lane, token);
		}
		expect(await listedNames(client)).toEqual(expectedTools());
		await client.close();
	});

	it("says GitHub failed, not that the account is refused, when GitHub cannot tell at the call (regression)", async () => {
		const user = await newUser({ orgs: ["octo-org"] });
		const repo = `scratch-orgs-down-${lane}`;
		const client = await connect(lane, await issueToken(await userProps(user)), { elicit: acceptAsShown });
		expect(await listedNames(client)).toEqual(expectedTools());
		await setStandInFaults(standIn().baseUrl, user.login, { rateLimitRate: 1, seed: 1 });
		let outcome: CallOutcome;
		try {
			outcome = await callOutcome(client, "create_issue", { owner: user.login, repo, title: "t" });
		} finally {
			await clearStandInFaults(standIn().baseUrl, user.login);
		}
		await client.close();
		expect(outcome.isError).toBe(true);
		expect(outcome.structured).toEqual({ status: "failed" });
		expect(outcome.text).toMatch(/^Could not check whether this account may use this tool: .*rate limit/);
		expect(outcome.text).not.toContain("limited to allowed GitHub accounts");
		expect(await githubWrites(standIn().baseUrl, `${user.login}/${repo}`)).toEqual([]);
	});
});

describe("the write tools' confirmation needs a client that can show a form", () => {
	it.each(LANES)("%s lane: a connection whose client declares no elicitation lists the write tools but writes nothing", async (lane) => {
		const user = await newUser({ orgs: ["octo-org"] });
		const client = await connect(lane, await issueToken(await userProps(user)));
		expect(await listedNames(client)).toEqual(expectedTools());
		const outcome = await callOutcome(client, "create_issue", { owner: user.login, repo: "scratch-no-form", title: "t" });
		await client.close();
		expect(outcome.isError).toBe(true);
		expect(outcome.structured).toEqual({ status: "refused" });
		expect(outcome.text).toContain("does not support confirmation forms");
		expect(await githubWrites(standIn().baseUrl, `${user.login}/scratch-no-form`)).toEqual([]);
	});
});

describe("raw requests reach the lane their protocol names", () => {
	it("a 2026-07-28 tools/list needs no session and lists the registry's tools", async () => {
		const token = await issueToken(await userProps());
		const request = modernRequest("tools/list");
		const response = await call("/mcp", {
			method: "POST",
			body: request.body,
			headers: { ...request.headers, Authorization: `Bearer ${token}` },
		});
		expect(response.status).toBe(200);
		expect(response.headers.get("Mcp-Session-Id")).toBeNull();
		const { result } = await readResponse(response);
		expect(result?.tools).toEqual(TOOLS.map((tool) => expect.objectContaining({ name: tool.name })));
	});

	it("a 2025-era initialize opens a session", async () => {
		const token = await issueToken(await userProps());
		const response = await call("/mcp", {
			method: "POST",
			body: initializeBody(),
			headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: MCP_ACCEPT },
		});
		expect(response.status).toBe(200);
		expect(response.headers.get("Mcp-Session-Id")).toMatch(/\./);
		await response.body?.cancel();
	});
});
