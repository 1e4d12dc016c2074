/**
 * Regression: an HTTP+SSE session whose Durable Object restarted (a deploy, a crash, a reset)
 * forgot that its client can show confirmation forms, and refused every write with "this MCP
 * client does not support confirmation forms", also after the client reconnected to its session.
 * The client declares elicitation once, in initialize; McpAgent keeps the initialize request across
 * restarts for Streamable HTTP sessions only. Reads went on working, so nothing else showed it.
 * Found by the load-and-fault run (test/load/), whose SSE clients reconnect to their session after
 * a restart of every Durable Object without initializing again.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { resultText } from "../support/mcp-wire";
import { githubWrites } from "../support/standin";
import { scratchRepo } from "../support/tool-examples";
import { acceptAsShown, issueToken, ORIGIN, send, standIn, userProps } from "./harness";

describe("an HTTP+SSE session whose Durable Object restarts", () => {
	it("still asks its client to confirm a write after the client reconnects to it", async () => {
		const token = await issueToken(await userProps());
		let sessionId = "";
		let asked = 0;
		const fetchWorker = (input: string | URL | Request, init?: RequestInit) => {
			const url = new URL(input instanceof Request ? input.url : String(input));
			if (url.pathname === "/sse/message") sessionId = url.searchParams.get("sessionId") ?? "";
			const headers = new Headers(init?.headers);
			headers.set("Authorization", `Bearer ${token}`);
			return send(new Request(input, { ...init, headers }));
		};
		const transportTo = (url: URL) => new SSEClientTransport(url, { fetch: fetchWorker, eventSourceInit: { fetch: fetchWorker } });
		const client = new Client({ name: "sse-restart", version: "1.0.0" }, { capabilities: { elicitation: { form: {} } } });
		client.setRequestHandler(ElicitRequestSchema, async (request) => {
			asked++;
			return acceptAsShown(request.params as { message: string; requestedSchema: unknown });
		});
		await client.connect(transportTo(new URL("/sse", ORIGIN)));
		expect(sessionId).not.toBe("");

		// The session's Durable Object restarts (ctx.abort(): a reset, storage kept); its stream ends with it.
		const stub = env.MCP_OBJECT.get(env.MCP_OBJECT.idFromName(`sse:${sessionId}`));
		// (workerd logs the reset as an uncaught exception: that line is expected.)
		await runInDurableObject(stub, (_agent, state) => state.abort("restart")).catch(() => {});
		await client.close();
		// The client reconnects to its session (the SDK's reconnect: a transport with its session id
		// set, so connect() does not initialize again).
		const url = new URL("/sse", ORIGIN);
		url.searchParams.set("sessionId", sessionId);
		await client.connect(Object.assign(transportTo(url), { sessionId }));

		const repo = scratchRepo("sse-restart");
		const result = await client.callTool({ name: "create_issue", arguments: { owner: "octocat", repo, title: "After a restart" } });
		expect(resultText(result)).not.toContain("does not support confirmation forms");
		// (Inside workerd the SDK's EventSource hands every SSE message to the client twice, so the
		// form is answered twice; the server acts on the first answer.)
		expect(asked).toBeGreaterThan(0);
		expect(result.structuredContent).toMatchObject({ status: "created" });
		expect(await githubWrites(standIn().baseUrl, `octocat/${repo}`)).toEqual([expect.objectContaining({ method: "POST", status: 201 })]);
		await client.close();
	});
});
