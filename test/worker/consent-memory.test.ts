/**
 * Remembered consent (src/auth/consent-memory.ts): "Remember this app" lets the same user's next
 * authorization of the same client, redirect URI and resource, for no more scopes, skip the
 * consent page. Anything else asks again; a different GitHub account is refused; forgetting and
 * revoking on /connections end it.
 */
import { describe, expect, it } from "vitest";
import { HINT_COOKIE_NAME } from "../../src/auth/consent-memory";
import { CookieJar } from "../support/cookie-jar";
import { visibleText } from "../support/forms";
import { ConnectionsBrowser, OAuthFlow, signInAtGithub } from "../support/oauth-flow";
import { createPkce } from "../support/pkce";
import { countKeys, flow, ORIGIN, send, standIn } from "./harness";

/** A browser that signed in `clientId` once, ticking "Remember this app". */
async function rememberedOnce(login = "octocat", scopes: string[] = []) {
	const jar = new CookieJar();
	const { client_id: clientId } = await flow.register();
	await flow.signIn({ login, clientId, jar, scopes, consentFields: { remember: "1" } });
	expect(jar.has("__Host-oauth-approvals")).toBe(true);
	expect(jar.has(HINT_COOKIE_NAME)).toBe(true);
	return { jar, clientId };
}

/** GET /authorize in that browser: the consent page (200) or a redirect straight to GitHub (302). */
async function authorize(jar: CookieJar, clientId: string, params: Record<string, string> = {}, client: OAuthFlow = flow) {
	const pkce = await createPkce();
	const response = await client.request(client.authorizeUrl(clientId, pkce, params), {}, jar);
	return { response, pkce };
}

function skipped(response: Response): boolean {
	return response.status === 302 && (response.headers.get("Location") ?? "").startsWith(`${standIn().baseUrl}/login/oauth/authorize`);
}

describe("remembered consent", () => {
	it("without the box ticked, nothing is remembered", async () => {
		const jar = new CookieJar();
		const { clientId } = await flow.signIn({ jar });
		expect(jar.has("__Host-oauth-approvals")).toBe(false);
		const { response } = await authorize(jar, clientId);
		expect(response.status).toBe(200);
	});

	it("the same client, redirect URI and scopes skip the page, and the sign-in completes with a working token", async () => {
		const { jar, clientId } = await rememberedOnce();
		const { response, pkce } = await authorize(jar, clientId, { state: "again" });
		expect(skipped(response)).toBe(true);
		const code = await flow.codeAfterApproval(response, jar, "octocat");
		const tokens = await flow.exchangeCode(clientId, code, pkce.verifier);
		expect(tokens.status).toBe(200);
		expect(((await tokens.json()) as { scope: string }).scope).toBe("github:read");
	});

	it("fewer scopes than remembered skip the page too", async () => {
		const { jar, clientId } = await rememberedOnce("octocat", ["github:write"]);
		expect(skipped((await authorize(jar, clientId, { scope: "github:read" })).response)).toBe(true);
		expect(skipped((await authorize(jar, clientId, { scope: "github:write" })).response)).toBe(true);
	});

	it.each([
		["more scopes", async (_jar: CookieJar, clientId: string) => ({ clientId, params: { scope: "github:read github:write" } })],
		["another client", async () => ({ clientId: (await flow.register()).client_id, params: {} })],
	])("%s: the page is shown again", async (_case, change) => {
		const { jar, clientId } = await rememberedOnce();
		const next = await change(jar, clientId);
		const { response } = await authorize(jar, next.clientId, next.params);
		expect(response.status).toBe(200);
		expect(visibleText(await response.text())).toContain("Allow");
	});

	it("another redirect URI of the same client: the page is shown again", async () => {
		const other = "http://127.0.0.1:40001/other/callback";
		const jar = new CookieJar();
		const { client_id: clientId } = await flow.register({ redirect_uris: [flow.redirectUri, other] });
		await flow.signIn({ clientId, jar, consentFields: { remember: "1" } });
		const otherFlow = new OAuthFlow({ origin: ORIGIN, send, redirectUri: other });
		expect((await authorize(jar, clientId, {}, otherFlow)).response.status).toBe(200);
		expect(skipped((await authorize(jar, clientId)).response)).toBe(true);
	});

	it("another browser (no remembered approval): the page is shown", async () => {
		const { clientId } = await rememberedOnce();
		expect((await authorize(new CookieJar(), clientId)).response.status).toBe(200);
	});

	it("a different GitHub account signing in after a skipped page is refused: nothing stored, the hint cleared", async () => {
		const { jar, clientId } = await rememberedOnce("octocat");
		const { response } = await authorize(jar, clientId);
		expect(skipped(response)).toBe(true);
		const grants = await countKeys("grant:");
		const callback = await signInAtGithub(response.headers.get("Location") ?? "", "hubot");
		const refused = await flow.finishCallback(callback, jar);
		expect(refused.status).toBe(400);
		expect(refused.headers.get("Location")).toBeNull();
		expect(visibleText(await refused.text())).toContain("different account");
		expect(await countKeys("grant:")).toBe(grants);
		expect(jar.has(HINT_COOKIE_NAME)).toBe(false);
		// Next time this browser is asked again.
		expect((await authorize(jar, clientId)).response.status).toBe(200);
	});

	it("a forged hint (another user's id, or a bad signature) never skips the page", async () => {
		const { jar, clientId } = await rememberedOnce("octocat");
		const header = jar.header();
		for (const forged of [
			header.replace(/(__Host-mcp-consent-hint=)[^;]*/, "$1%7B%22v%22%3A1%2C%22sub%22%3A%22480938%22%7D.AAAA"),
			header.replace(
				/(__Host-mcp-consent-hint=)([^;]*)/,
				(_m, name: string, value: string) => `${name}${value.replace("583231", "480938")}`,
			),
		]) {
			const pkce = await createPkce();
			const response = await flow.request(flow.authorizeUrl(clientId, pkce), { headers: { Cookie: forged } });
			expect(response.status).toBe(200);
		}
	});

	it("Forget on /connections clears this browser's approvals and hint: the page is shown again", async () => {
		const { jar, clientId } = await rememberedOnce();
		const browser = new ConnectionsBrowser(flow, jar);
		await browser.signIn();
		const forgot = await browser.post("/connections/forget", { csrf: (await browser.open()).csrf });
		expect(forgot.status).toBe(303);
		expect(jar.has("__Host-oauth-approvals")).toBe(false);
		expect(jar.has(HINT_COOKIE_NAME)).toBe(false);
		expect((await authorize(jar, clientId)).response.status).toBe(200);
	});

	it("revoking the client on /connections makes it ask again, even where its approval is still remembered, and approving it again elsewhere does not revive that approval", async () => {
		const { jar, clientId } = await rememberedOnce();
		const remembered = jar.header();
		const grant = (await flow.signIn({ clientId })).accessToken.split(":")[1] ?? "";
		const browser = new ConnectionsBrowser(flow);
		await browser.signIn();
		expect((await browser.revoke(grant)).status).toBe(303);
		// The browser still holds the approval cookie, unchanged.
		const pkce = await createPkce();
		const response = await flow.request(flow.authorizeUrl(clientId, pkce), { headers: { Cookie: remembered } });
		expect(response.status).toBe(200);
		// Approving with "Remember" again restores skipping.
		const again = new CookieJar();
		await flow.signIn({ clientId, jar: again, consentFields: { remember: "1" } });
		expect(skipped((await authorize(again, clientId)).response)).toBe(true);
		// Regression: the re-approval lifted the revocation for every browser, so the approval
		// remembered before it (possibly for more scopes) skipped the page again.
		const old = await flow.request(flow.authorizeUrl(clientId, await createPkce()), { headers: { Cookie: remembered } });
		expect(old.status).toBe(200);
	});
});
