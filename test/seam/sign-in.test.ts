/**
 * The identity provider seam, end to end: in this project src/upstream/index.ts selects a
 * test-only OpenID Connect-like provider (test/seam/oidc-provider.ts) instead of GitHub, and no
 * GitHub credentials are configured. A user signs in through the whole flow (registration, our
 * consent page, the provider's sign-in page, /callback, /token) and `whoami` over /mcp, in both
 * lanes, shows the provider's user. The provider's tokens expire within the refresh margin and
 * its refresh tokens are not rotated, unlike GitHub's.
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import { hiddenInputs } from "../support/forms";
import { resultText } from "../support/mcp-wire";
import { createPkce } from "../support/pkce";
import { connect, flow, grantPropsOf, LANES, type Lane } from "../worker/harness";
import { workerSend } from "../worker/worker-send";

const oidc = () => inject("oidcStandIn");

interface TokenRequest {
	grantType: string;
	outcome: string;
	user: string | null;
}

async function tokenRequests(user: string): Promise<TokenRequest[]> {
	const response = await fetch(`${oidc().issuer}/_oidc/token-requests`);
	return ((await response.json()) as { requests: TokenRequest[] }).requests.filter((request) => request.user === user);
}

/** The whole sign-in as `username` at the provider; returns the MCP tokens and the provider's authorize URL. */
async function signIn(username: string) {
	const clientId = (await flow.register()).client_id;
	const consent = await flow.openConsent(clientId, { jar: new CookieJar() });
	const approved = await flow.submitConsent(consent, "approve");
	expect(approved.status).toBe(302);
	const authorizeUrl = new URL(approved.headers.get("Location") ?? "");

	// The provider's own sign-in page and its redirect back to /callback.
	const page = await fetch(authorizeUrl);
	expect(page.status).toBe(200);
	const signedIn = await fetch(`${oidc().issuer}/authorize`, {
		method: "POST",
		redirect: "manual",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ ...hiddenInputs(await page.text()), username }),
	});
	expect(signedIn.status).toBe(302);
	const callback = new URL(signedIn.headers.get("Location") ?? "");

	const finished = await flow.finishCallback(callback, consent.jar);
	expect(finished.status).toBe(302);
	const code = new URL(finished.headers.get("Location") ?? "").searchParams.get("code") ?? "";
	const tokens = await flow.exchangeCode(clientId, code, consent.pkce.verifier);
	expect(tokens.status).toBe(200);
	const body = (await tokens.json()) as { access_token: string; refresh_token: string };
	return { clientId, authorizeUrl, callback, accessToken: body.access_token, refreshToken: body.refresh_token };
}

describe("another identity provider behind the seam", () => {
	it("is where the consent page sends the user, with PKCE and our /callback", async () => {
		const { authorizeUrl, callback } = await signIn("grace");
		expect(authorizeUrl.origin).toBe(oidc().issuer);
		expect(authorizeUrl.pathname).toBe("/authorize");
		expect(authorizeUrl.searchParams.get("client_id")).toBe(oidc().clientId);
		expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("S256");
		expect(authorizeUrl.searchParams.get("redirect_uri")).toBe(new URL("/callback", flow.origin).toString());
		expect(callback.pathname).toBe("/callback");
		expect(await tokenRequests("grace")).toEqual([{ grantType: "authorization_code", outcome: "issued", user: "grace" }]);
	});

	it.each(LANES)("signs the user in end to end: whoami over /mcp shows the provider's user (%s lane)", async (lane: Lane) => {
		const { accessToken } = await signIn("ada");
		const client = await connect(lane, accessToken);
		try {
			const whoami = JSON.parse(resultText(await client.callTool({ name: "whoami", arguments: {} })));
			expect(whoami).toMatchObject({
				id: encodeURIComponent("urn:example:user:ada"),
				login: "ada",
				name: "Ada Lovelace",
				email: "ada@example.test",
			});
		} finally {
			await client.close();
		}
	});

	it("refuses to start a sign-in while the provider's own settings are incomplete, naming them", async () => {
		// The provider's settings are not in the generated Env type: they are the provider's own.
		const send = workerSend({ OIDC_CLIENT_SECRET: undefined } as Parameters<typeof workerSend>[0]);
		const clientId = (await flow.register()).client_id;
		const response = await send(new Request(flow.authorizeUrl(clientId, await createPkce())));
		expect(response.status).toBe(500);
		const page = await response.text();
		expect(page).toContain("OIDC_CLIENT_SECRET is not set");
		expect(page).not.toContain("GITHUB_CLIENT");
		// No GitHub credentials in this project (vitest.config.ts): empty, which readConfig refused
		// while it required them.
		expect(Reflect.get(env, "GITHUB_CLIENT_ID")).toBe("");
		expect(Reflect.get(env, "GITHUB_CLIENT_SECRET")).toBe("");
	});

	it("regression: a provider refresh without a new refresh token (not rotated, RFC 6749 §6) lost the grant's refresh token", async () => {
		// GrantStore stored the refresh response as it came: the next refresh had no refresh token,
		// so the upstream token was never renewed again and the grant died with it.
		const { clientId, refreshToken } = await signIn("katherine");
		let mcpRefreshToken = refreshToken;
		for (const round of [1, 2, 3]) {
			const refreshed = await flow.refresh(clientId, mcpRefreshToken);
			expect(refreshed.status, `refresh ${round}`).toBe(200);
			const body = (await refreshed.json()) as { access_token: string; refresh_token: string };
			mcpRefreshToken = body.refresh_token;
			const props = await grantPropsOf(body.access_token);
			expect(props?.upstream.refreshToken, `refresh ${round}`).toMatch(/^ort_/);
			const whoami = await connect("modern", body.access_token);
			try {
				expect(JSON.parse(resultText(await whoami.callTool({ name: "whoami", arguments: {} })))).toMatchObject({ login: "katherine" });
			} finally {
				await whoami.close();
			}
		}
		// The provider's tokens last a minute, less than the refresh margin: each MCP refresh renewed them.
		expect((await tokenRequests("katherine")).filter((request) => request.grantType === "refresh_token")).toMatchObject([
			{ outcome: "issued" },
			{ outcome: "issued" },
			{ outcome: "issued" },
		]);
	});
});
