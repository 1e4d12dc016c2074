/**
 * The resource (RFC 8707) clients ask for: this server is one protected resource, its bare origin,
 * and clients spell it differently (the origin, with a slash, or the MCP URL they use). Every
 * spelling that names this server gets a token for the origin that works on both /mcp and /sse
 * (src/auth/resource.ts); anything else stays `invalid_target`, at /authorize and at /token.
 */
import { describe, expect, it } from "vitest";
import { initializeBody, legacyHeaders } from "../support/mcp-wire";
import { LOOPBACK_REDIRECT_URI, OAuthFlow } from "../support/oauth-flow";
import { createPkce } from "../support/pkce";
import { ORIGIN, send } from "./harness";

async function worksOnMcp(token: string): Promise<number> {
	const response = await send(
		new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: legacyHeaders(token), body: initializeBody() }),
	);
	await response.body?.cancel();
	return response.status;
}

async function worksOnSse(token: string): Promise<boolean> {
	const response = await send(
		new Request(new URL("/sse", ORIGIN), { headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" } }),
	);
	if (response.status !== 200) return false;
	const reader = response.body?.getReader();
	const first = new TextDecoder().decode((await reader?.read())?.value);
	await reader?.cancel();
	return first.includes("event: endpoint");
}

const OURS = [
	["the origin", ORIGIN],
	["the origin with a slash", `${ORIGIN}/`],
	["the /mcp URL", `${ORIGIN}/mcp`],
	["the /sse URL", `${ORIGIN}/sse`],
	["/mcp with a trailing slash", `${ORIGIN}/mcp/`],
	["an upper-case scheme and host", "HTTPS://MCP.EXAMPLE.COM/mcp"],
	["the default port written out", "https://mcp.example.com:443/sse"],
	["the /mcp URL with the connection's view", `${ORIGIN}/mcp?toolsets=issues,repos&readonly=1`],
	["the /sse URL with toolsets", `${ORIGIN}/sse?toolsets=files`],
] as const;

const FOREIGN = [
	["another host", "https://other.example.com"],
	["another host's /mcp", "https://other.example.com/mcp"],
	["a host that starts like this one", "https://mcp.example.com.evil.example/mcp"],
	["another port", "https://mcp.example.com:8443/mcp"],
	["another path", `${ORIGIN}/mcp2`],
	["a path below /mcp", `${ORIGIN}/mcp/tools`],
	["another path's case", `${ORIGIN}/MCP`],
	["/sse with a suffix", `${ORIGIN}/sse-other`],
	["a query on the origin", `${ORIGIN}/?x=1`],
	["a query on /mcp", `${ORIGIN}/mcp?x=1`],
	["a view parameter next to another", `${ORIGIN}/mcp?toolsets=issues&x=1`],
	["a view parameter on the origin", `${ORIGIN}/?toolsets=issues`],
	["a view parameter on another path", `${ORIGIN}/mcp2?readonly=1`],
	["a fragment", `${ORIGIN}/mcp#frag`],
	["userinfo", "https://user@mcp.example.com/mcp"],
	["plain http", "http://mcp.example.com/mcp"],
	["another scheme", "wss://mcp.example.com/mcp"],
	["a relative reference", "/mcp"],
	["an encoded path", `${ORIGIN}/%6Dcp`],
] as const;

describe("resource spellings that mean this server", () => {
	it.each(OURS)("%s (%s): the token works on /mcp and /sse, and refreshes", async (_case, resource) => {
		const flow = new OAuthFlow({ origin: ORIGIN, send, resource });
		const signedIn = await flow.signIn();
		expect(await worksOnMcp(signedIn.accessToken)).toBe(200);
		expect(await worksOnSse(signedIn.accessToken)).toBe(true);
		const refreshed = await flow.refresh(signedIn.clientId, signedIn.refreshToken, { resource });
		expect(refreshed.status).toBe(200);
	});
});

describe("resources that are not this server", () => {
	it.each(FOREIGN)("%s (%s) is invalid_target at /authorize, never a consent page", async (_case, resource) => {
		const flow = new OAuthFlow({ origin: ORIGIN, send, resource });
		const { client_id: clientId } = await flow.register();
		const response = await flow.request(flow.authorizeUrl(clientId, await createPkce()));
		expect(response.status).not.toBe(200);
		const location = response.headers.get("Location");
		if (location) {
			// The client and its redirect URI are valid: the error goes back to it (RFC 6749 §4.1.2.1).
			const url = new URL(location);
			expect(`${url.origin}${url.pathname}`).toBe(LOOPBACK_REDIRECT_URI);
			expect(url.searchParams.get("error")).toBe("invalid_target");
		} else {
			expect(response.status).toBe(400);
		}
	});

	it.each(FOREIGN)("%s (%s) is invalid_target at /token, and the code is not spent", async (_case, resource) => {
		const flow = new OAuthFlow({ origin: ORIGIN, send });
		const { client_id: clientId } = await flow.register();
		const consent = await flow.openConsent(clientId);
		const code = await flow.codeAfterApproval(await flow.submitConsent(consent, "approve"), consent.jar, "octocat");
		const refused = await flow.exchangeCode(clientId, code, consent.pkce.verifier, { resource });
		expect(refused.status).toBe(400);
		expect(((await refused.json()) as { error: string }).error).toBe("invalid_target");
		// The same code with this server's resource still works: the refusal changed nothing.
		expect((await flow.exchangeCode(clientId, code, consent.pkce.verifier)).status).toBe(200);
	});
});
