/**
 * One URL, two protocol revisions, in the same run against a real `wrangler dev`: the newest MCP
 * client library pinned to 2026-07-28 reaches the stateless lane, and the MCP SDK v1 client (MCP
 * 2025-11-25) reaches the McpAgent lane, over /mcp and /sse. Each signs in by itself (dynamic
 * registration, consent, the GitHub stand-in, the token exchange) and runs every tool through
 * its definition's example; write tools confirm through each lane's mechanism.
 */
import {
	Client as ModernClient,
	StreamableHTTPClientTransport as ModernTransport,
	UnauthorizedError as ModernUnauthorized,
} from "@modelcontextprotocol/client";
import { UnauthorizedError as LegacyUnauthorized } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isWriteTool } from "../../src/mcp/define";
import { TOOLS } from "../../src/mcp/registry";
import { ALL_MCP_SCOPES } from "../../src/scopes";
import { HeadlessOAuthProvider } from "../support/headless-oauth";
import { resultText } from "../support/mcp-wire";
import { githubWrites } from "../support/standin";
import { exampleArguments, scratchRepo } from "../support/tool-examples";
import { type DevServer, startDevServer } from "./dev-server";

let server: DevServer;
const standIn = () => inject("githubStandIn");

beforeAll(async () => {
	server = await startDevServer();
});
afterAll(async () => {
	await server?.stop();
});

type Answer = { action: "accept"; content: Record<string, string> } | { action: "decline" } | { action: "cancel" };
const acceptAsShown = (params: { requestedSchema?: unknown }): Answer => {
	const properties = (params.requestedSchema as { properties?: Record<string, { default?: unknown }> } | undefined)?.properties ?? {};
	const content: Record<string, string> = {};
	for (const [name, property] of Object.entries(properties)) if (typeof property.default === "string") content[name] = property.default;
	return { action: "accept", content };
};

/** Signs in through the SDK's own OAuth (the headless browser ticks every scope), then connects a 2026-07-28 client. */
async function modernClient(provider: HeadlessOAuthProvider, elicit?: (params: { requestedSchema?: unknown }) => Answer) {
	const url = new URL("/mcp", server.origin);
	const pinned = { versionNegotiation: { mode: { pin: "2026-07-28" } } } as const;
	if (!provider.storedTokens) {
		const first = new ModernTransport(url, { authProvider: provider });
		await expect(new ModernClient({ name: "e2e-modern", version: "1.0.0" }, pinned).connect(first)).rejects.toBeInstanceOf(
			ModernUnauthorized,
		);
		if (!provider.authorizationResponse?.get("code")) throw new Error(`no authorization code (${provider.authorizationError})`);
		// SDK v2 checks the response's `iss` (RFC 9207) against the authorization server it discovered.
		await first.finishAuth(provider.authorizationResponse);
	}
	const client = new ModernClient(
		{ name: "e2e-modern", version: "1.0.0" },
		{ ...pinned, capabilities: elicit ? { elicitation: { form: {} } } : {} },
	);
	if (elicit) client.setRequestHandler("elicitation/create", async (request) => elicit(request.params as { requestedSchema?: unknown }));
	await client.connect(new ModernTransport(url, { authProvider: provider }));
	return client;
}

async function legacyClient(provider: HeadlessOAuthProvider, kind: "mcp" | "sse") {
	const url = new URL(`/${kind}`, server.origin);
	const transportFor = () =>
		kind === "mcp" ? new LegacyTransport(url, { authProvider: provider }) : new SSEClientTransport(url, { authProvider: provider });
	if (!provider.storedTokens) {
		const first = transportFor();
		await expect(new LegacyClient({ name: "e2e-legacy", version: "1.0.0" }).connect(first)).rejects.toBeInstanceOf(LegacyUnauthorized);
		if (!provider.authorizationCode) throw new Error(`no authorization code (${provider.authorizationError})`);
		await first.finishAuth(provider.authorizationCode);
	}
	const client = new LegacyClient({ name: "e2e-legacy", version: "1.0.0" }, { capabilities: { elicitation: { form: {} } } });
	client.setRequestHandler(ElicitRequestSchema, async (request) => acceptAsShown(request.params as { requestedSchema?: unknown }));
	const transport = transportFor();
	await client.connect(transport);
	return { client, transport };
}

const allScopes = () => new HeadlessOAuthProvider({ consent: "approve", login: "octocat", tick: [...ALL_MCP_SCOPES] });

describe("one URL, both lanes, in the same run", () => {
	it("a 2026-07-28 client signs in by itself and runs every tool on the stateless lane", async () => {
		const provider = allScopes();
		const client = await modernClient(provider, acceptAsShown);
		expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
		expect(client.getProtocolEra()).toBe("modern");
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name)).toEqual(TOOLS.map((tool) => tool.name));

		const repo = scratchRepo("modern-every-tool");
		for (const tool of TOOLS) {
			const result = await client.callTool({ name: tool.name, arguments: exampleArguments(tool, repo) });
			expect(result.isError, `${tool.name}: ${resultText(result)}`).toBeFalsy();
			if (tool.output) expect(result.structuredContent, tool.name).toBeDefined();
		}
		// Each confirmed write reached GitHub exactly once.
		const writes = await githubWrites(standIn().baseUrl, `octocat/${repo}`);
		expect(writes.map((write) => write.method)).toEqual(
			TOOLS.filter((tool) => isWriteTool(tool) && tool.annotations.openWorldHint).map(() => "POST"),
		);
		await client.close();
	});

	it("a 2026-07-28 client that declines writes nothing, and one that cannot confirm is refused", async () => {
		const provider = allScopes();
		const decliner = await modernClient(provider, () => ({ action: "decline" }));
		const repo = scratchRepo("modern-declined");
		const create = TOOLS.find((tool) => tool.name === "create_issue");
		if (!create) throw new Error("create_issue is not defined");
		const declined = await decliner.callTool({ name: "create_issue", arguments: exampleArguments(create, repo) });
		expect(declined.structuredContent).toMatchObject({ status: "declined" });
		await decliner.close();

		const mute = await modernClient(provider);
		const refused = await mute.callTool({ name: "create_issue", arguments: exampleArguments(create, repo) });
		expect(refused.isError).toBe(true);
		expect(refused.structuredContent).toMatchObject({ status: "refused" });
		expect(resultText(refused)).toContain("does not support confirmation forms");
		await mute.close();
		expect(await githubWrites(standIn().baseUrl, `octocat/${repo}`)).toEqual([]);
	});

	it.each(["mcp", "sse"] as const)(
		"a 2025-11-25 client reaches the McpAgent lane over /%s, with a session and its own state",
		async (kind) => {
			const provider = allScopes();
			const { client, transport } = await legacyClient(provider, kind);
			if (kind === "mcp") {
				// Streamable HTTP: the session id the server issued, bound to this grant.
				expect((transport as LegacyTransport).sessionId).toMatch(/^[0-9a-f]{64}\.[A-Za-z0-9_-]{43}$/);
				expect((transport as LegacyTransport).protocolVersion).toBe("2025-11-25");
			}
			const { tools } = await client.listTools();
			expect(tools.map((tool) => tool.name)).toEqual(TOOLS.map((tool) => tool.name));
			const repo = scratchRepo(`legacy-${kind}`);
			for (const tool of TOOLS) {
				const result = await client.callTool({ name: tool.name, arguments: exampleArguments(tool, repo) });
				expect(result.isError, `${tool.name}: ${resultText(result)}`).toBeFalsy();
			}
			// The counter is the session Durable Object's state: a new session starts again at zero.
			expect(resultText(await client.callTool({ name: "add_to_counter", arguments: { amount: 3 } }))).toBe("The counter is now 5.");
			await client.close();
			const again = await legacyClient(provider, kind);
			expect(resultText(await again.client.callTool({ name: "add_to_counter", arguments: { amount: 1 } }))).toBe("The counter is now 1.");
			await again.client.close();
		},
	);

	it("the 2026-07-28 counter belongs to the user, across clients (there are no sessions)", async () => {
		const provider = new HeadlessOAuthProvider({ consent: "approve", login: "hubot" });
		const first = await modernClient(provider);
		const counterText = async (client: ModernClient) => {
			const [contents] = (await client.readResource({ uri: "counter://session" })).contents;
			return contents && "text" in contents ? contents.text : "";
		};
		const before = Number(await counterText(first));
		await first.callTool({ name: "add_to_counter", arguments: { amount: 4 } });
		await first.close();
		const second = await modernClient(provider);
		expect(await counterText(second)).toBe(String(before + 4));
		await second.close();
	});
});
