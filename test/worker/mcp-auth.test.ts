/**
 * The MCP endpoints without a valid token, on every way in: the 401 challenge that starts a
 * client's sign-in (MCP authorization, RFC 9728 resource metadata, RFC 6750), tokens bound to the
 * origin that issued them (RFC 8707), and the discovery metadata per origin.
 */
import { describe, expect, it } from "vitest";
import { fromAddress } from "../support/client-address";
import { discard, initializeBody, legacyHeaders, MCP_ACCEPT, modernRequest } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { ORIGIN } from "./harness";
import { workerSend } from "./worker-send";

const send = fromAddress(workerSend());
const flow = new OAuthFlow({ origin: ORIGIN, send });

/** Every request shape that reaches an MCP lane, with a given Authorization header (or none). */
function mcpRequests(origin: string, authorization: string | null): [string, Request][] {
	const auth: Record<string, string> = authorization === null ? {} : { Authorization: authorization };
	const modern = modernRequest("tools/list");
	const legacy = legacyHeaders("x");
	delete (legacy as Record<string, string>).Authorization;
	return [
		[
			"POST /mcp initialize (2025 lane)",
			new Request(new URL("/mcp", origin), { method: "POST", headers: { ...legacy, ...auth }, body: initializeBody() }),
		],
		[
			"POST /mcp tools/list (2026-07-28 lane)",
			new Request(new URL("/mcp", origin), { method: "POST", headers: { ...modern.headers, ...auth }, body: modern.body }),
		],
		["GET /mcp (stream)", new Request(new URL("/mcp", origin), { headers: { Accept: "text/event-stream", ...auth } })],
		["DELETE /mcp", new Request(new URL("/mcp", origin), { method: "DELETE", headers: { Accept: MCP_ACCEPT, ...auth } })],
		["GET /sse", new Request(new URL("/sse", origin), { headers: { Accept: "text/event-stream", ...auth } })],
		[
			"POST /sse/message",
			new Request(new URL("/sse/message?sessionId=x", origin), {
				method: "POST",
				headers: { "Content-Type": "application/json", ...auth },
				body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
			}),
		],
	];
}

describe("the MCP endpoints without a valid token", () => {
	it.each(mcpRequests(ORIGIN, null))(
		"%s without a token: 401 naming the resource metadata and the scope to ask for",
		async (_what, request) => {
			const response = await send(request);
			expect(response.status).toBe(401);
			const challenge = response.headers.get("WWW-Authenticate") ?? "";
			expect(challenge).toMatch(/^Bearer /);
			expect(challenge).toContain(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`);
			expect(challenge).toContain('scope="github:read"');
			await discard(response);
		},
	);

	it.each(mcpRequests(ORIGIN, "Bearer nope:nope:nope"))("%s with a garbage token: 401 invalid_token", async (_what, request) => {
		const response = await send(request);
		expect(response.status).toBe(401);
		expect(response.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
		await discard(response);
	});

	it("a token issued on another origin is refused on every way in (tokens are bound to the origin that issued them)", async () => {
		const { accessToken } = await flow.signIn();
		for (const [what, request] of mcpRequests("https://other.example.com", `Bearer ${accessToken}`)) {
			const response = await send(request);
			expect(response.status, what).toBe(401);
			expect(response.headers.get("WWW-Authenticate"), what).toContain('error="invalid_token"');
			await discard(response);
		}
		// ...and accepted where it was issued.
		const [, home] = mcpRequests(ORIGIN, `Bearer ${accessToken}`)[1] ?? [];
		if (!home) throw new Error("no request");
		const response = await send(home);
		expect(response.status).toBe(200);
		await discard(response);
	});
});

describe("discovery metadata", () => {
	it.each([ORIGIN, "https://my-server.my-account.workers.dev"])("is served for the origin it is requested on (%s)", async (origin) => {
		const resource = await (await send(new Request(new URL("/.well-known/oauth-protected-resource", origin)))).json();
		expect(resource).toMatchObject({ resource: origin, authorization_servers: [origin], bearer_methods_supported: ["header"] });
		const server = (await (await send(new Request(new URL("/.well-known/oauth-authorization-server", origin)))).json()) as Record<
			string,
			unknown
		>;
		expect(server).toMatchObject({
			issuer: origin,
			authorization_endpoint: `${origin}/authorize`,
			token_endpoint: `${origin}/token`,
			registration_endpoint: `${origin}/register`,
			code_challenge_methods_supported: ["S256"],
			response_types_supported: ["code"],
		});
	});

	it("refuses plain http on a host that is not loopback, clearly", async () => {
		const response = await send(new Request(new URL("/.well-known/oauth-protected-resource", "http://mcp.example.com")));
		expect(response.status).toBe(421);
		expect(await response.text()).toContain("https");
	});
});
