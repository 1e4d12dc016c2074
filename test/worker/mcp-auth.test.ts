import { describe, expect, it } from "vitest";
import { callWorker, ORIGIN, signIn } from "./helpers";

const INITIALIZE = JSON.stringify({
	jsonrpc: "2.0",
	id: 1,
	method: "initialize",
	params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

describe("the MCP endpoints without a valid token", () => {
	it.each([
		["POST", "/mcp"],
		["GET", "/sse"],
	])("%s %s answers 401 with a WWW-Authenticate header naming the resource metadata", async (method, path) => {
		const response = await callWorker(path, {
			method,
			...(method === "POST"
				? { body: INITIALIZE, headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" } }
				: {}),
		});
		expect(response.status).toBe(401);
		const challenge = response.headers.get("WWW-Authenticate") ?? "";
		expect(challenge).toMatch(/^Bearer /);
		expect(challenge).toContain(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`);
	});

	it("refuses a garbage bearer token with 401 invalid_token", async () => {
		const response = await callWorker("/mcp", {
			method: "POST",
			body: INITIALIZE,
			headers: { Authorization: "Bearer nope:nope:nope", "Content-Type": "application/json" },
		});
		expect(response.status).toBe(401);
		expect(response.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
	});

	it("refuses a token issued on another origin (tokens are bound to the origin that issued them)", async () => {
		const { accessToken } = await signIn();
		const response = await callWorker(new URL("/mcp", "https://other.example.com"), {
			method: "POST",
			body: INITIALIZE,
			headers: {
				Authorization: `Bearer ${accessToken}`,
				"Content-Type": "application/json",
				Accept: "application/json, text/event-stream",
			},
		});
		expect(response.status).toBe(401);
	});
});

describe("discovery metadata", () => {
	it.each([ORIGIN, "https://my-server.my-account.workers.dev"])("is served for the origin it is requested on (%s)", async (origin) => {
		const resource = await (await callWorker(new URL("/.well-known/oauth-protected-resource", origin))).json();
		expect(resource).toMatchObject({ resource: origin, authorization_servers: [origin] });
		const server = (await (await callWorker(new URL("/.well-known/oauth-authorization-server", origin))).json()) as Record<string, unknown>;
		expect(server).toMatchObject({
			issuer: origin,
			authorization_endpoint: `${origin}/authorize`,
			token_endpoint: `${origin}/token`,
			registration_endpoint: `${origin}/register`,
			code_challenge_methods_supported: ["S256"],
		});
	});

	it("refuses plain http on a host that is not loopback, clearly", async () => {
		const response = await callWorker(new URL("/.well-known/oauth-protected-resource", "http://mcp.example.com"));
		expect(response.status).toBe(421);
		expect(await response.text()).toContain("https");
	});
});
