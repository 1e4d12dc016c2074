/**
 * One `wrangler dev`, reached as http://localhost:<port> and as http://127.0.0.1:<port>, as a
 * deployment is reached on its workers.dev host and a custom domain: a full sign-in and tool calls
 * work on each origin whichever the Worker saw first, and each origin's tokens work only there.
 * (Regression: the second origin's /authorize answered invalid_target.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initializeBody, legacyHeaders, modernRequest, readResponse } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { type DevServer, startDevServer } from "./dev-server";

let servers: DevServer[] = [];

beforeAll(async () => {
	servers = await Promise.all([startDevServer(), startDevServer()]);
});
afterAll(async () => {
	await Promise.all(servers.map((server) => server.stop()));
});

const loopbackTwin = (origin: string) => origin.replace("//localhost:", "//127.0.0.1:");

async function signInAndCall(origin: string) {
	const flow = new OAuthFlow({ origin });
	const { accessToken } = await flow.signIn();
	const legacy = await flow.request("/mcp", { method: "POST", headers: legacyHeaders(accessToken), body: initializeBody() });
	expect(legacy.status).toBe(200);
	expect((await readResponse(legacy)).result).toMatchObject({ serverInfo: { name: expect.any(String) } });
	const call = modernRequest("tools/call", { name: "whoami", arguments: {} });
	const modern = await flow.request("/mcp", {
		method: "POST",
		headers: { ...call.headers, Authorization: `Bearer ${accessToken}` },
		body: call.body,
	});
	expect((await readResponse(modern)).result).toMatchObject({ structuredContent: { login: "octocat" } });
	return accessToken;
}

describe.each([
	["localhost first", false],
	["127.0.0.1 first", true],
])("one wrangler dev on two origins, %s", (_order, reversed) => {
	it("signs in and calls tools on both, with tokens bound to their own origin", async () => {
		const server = servers[reversed ? 1 : 0];
		if (!server) throw new Error("no server");
		const origins = [server.origin, loopbackTwin(server.origin)];
		if (reversed) origins.reverse();
		const [first = "", second = ""] = origins;
		const firstToken = await signInAndCall(first);
		const secondToken = await signInAndCall(second);
		for (const [origin, token] of [
			[second, firstToken],
			[first, secondToken],
		] as const) {
			const response = await fetch(new URL("/mcp", origin), { method: "POST", headers: legacyHeaders(token), body: initializeBody() });
			expect(response.status, `a token from the other origin, at ${origin}`).toBe(401);
		}
	});
});
