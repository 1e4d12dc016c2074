/**
 * The Worker as it ships (scripts/build/: wrangler dev runs the build command and serves its
 * output) keeps both MCP lanes whole with the build's substitutions in place: the 2026-07-28 lane,
 * which loads on first use, answers raw requests with the `_meta` envelope, and a 2025-era
 * session still works after it in the same isolate. The workerd suite runs the sources instead.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initializeBody, legacyHeaders, MCP_ACCEPT, modernRequest, readResponse, resultText } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { type DevServer, startDevServer } from "./dev-server";

let server: DevServer;
let token: string;

beforeAll(async () => {
	server = await startDevServer();
	token = (await new OAuthFlow({ origin: server.origin }).signIn({ login: "octocat" })).accessToken;
});
afterAll(async () => {
	await server?.stop();
});

async function modern(method: string, params: Record<string, unknown>, id: number) {
	const { body, headers } = modernRequest(method, params, { id });
	const response = await fetch(`${server.origin}/mcp`, { method: "POST", headers: { ...headers, Authorization: `Bearer ${token}` }, body });
	expect(response.status).toBe(200);
	return readResponse(response, id);
}

describe("the built Worker", () => {
	it("serves the 2026-07-28 lane: discovery, a tool without state and a GitHub read", async () => {
		const discovered = await modern("server/discover", {}, 1);
		expect(discovered.error).toBeUndefined();
		expect(JSON.stringify(discovered.result)).toContain("2026-07-28");

		const added = await modern("tools/call", { name: "add", arguments: { a: 19, b: 23 } }, 2);
		expect(resultText(added.result)).toContain("42");

		const repo = await modern("tools/call", { name: "get_repo", arguments: { owner: "octocat", repo: "repo-a-0" } }, 3);
		expect(repo.result?.isError).toBeFalsy();
		expect(resultText(repo.result)).toContain("octocat/repo-a-0");
	});

	it("serves a 2025-era session in the same isolate", async () => {
		const url = `${server.origin}/mcp`;
		const init = await fetch(url, {
			method: "POST",
			headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: MCP_ACCEPT },
			body: initializeBody(),
		});
		expect(init.status).toBe(200);
		await readResponse(init, 1);
		const headers = legacyHeaders(token, init.headers.get("mcp-session-id") ?? undefined);
		await (
			await fetch(url, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })
		).text();
		const call = await fetch(url, {
			method: "POST",
			headers,
			body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "add", arguments: { a: 2, b: 3 } } }),
		});
		expect(resultText((await readResponse(call, 2)).result)).toContain("5");
		await (await fetch(url, { method: "DELETE", headers })).text();
	});
});
