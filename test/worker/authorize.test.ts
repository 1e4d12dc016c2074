import { describe, expect, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import { LOOPBACK_REDIRECT_URI } from "../support/oauth-flow";
import { createPkce } from "../support/pkce";
import { call, countKeys, flow, ORIGIN, standIn } from "./harness";

async function authorizeQuery(clientId: string, extra: Record<string, string> = {}) {
	return new URLSearchParams({
		response_type: "code",
		client_id: clientId,
		redirect_uri: LOOPBACK_REDIRECT_URI,
		code_challenge: (await createPkce()).challenge,
		code_challenge_method: "S256",
		state: "s1",
		...extra,
	});
}

describe("GET /authorize (consent page)", () => {
	it("names the client, where access goes, and what it can do, with anti-framing headers and a binding cookie", async () => {
		const { client_id } = await flow.register({ client_name: "Claude Desktop" });
		const jar = new CookieJar();
		const response = await flow.request(`/authorize?${await authorizeQuery(client_id)}`, {}, jar);
		const page = await response.text();
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toContain("text/html");
		expect(response.headers.get("X-Frame-Options")).toBe("DENY");
		expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
		expect(response.headers.get("Cache-Control")).toContain("no-store");
		expect(response.headers.getSetCookie().join(";")).toMatch(/__Host-oauth-consent-[^=]+=.*; Secure; HttpOnly; SameSite=Lax/);
		expect(page).toContain("Claude Desktop");
		expect(page).toContain("127.0.0.1"); // the redirect host
		expect(page).toContain("an app on your computer"); // loopback warning
		expect(page).toContain("Read your GitHub profile");
		expect(page).toMatch(/<input type="checkbox" name="scope" value="github:write"/);
		expect(page).toMatch(/<button[^>]*name="action"[^>]*value="approve"/);
		expect(page).toMatch(/<button[^>]*name="action"[^>]*value="deny"/);
	});

	it("escapes HTML in a self-registered client name and links only http(s) home pages", async () => {
		const { client_id } = await flow.register({
			client_name: `<script>alert("x")</script><img src=x onerror=alert(1)>`,
			client_uri: "https://evil.example/",
		});
		const { page } = await flow.openConsent(client_id);
		expect(page).not.toContain("<script>alert");
		expect(page).not.toContain("<img src=x");
		expect(page).toContain("&lt;script&gt;");
		expect(page).toContain('href="https://evil.example/"');
	});

	it("renders an error page, and never redirects, for an unknown client", async () => {
		const response = await call(`/authorize?${await authorizeQuery("no-such-client")}`);
		expect(response.status).toBe(400);
		expect(response.headers.get("Location")).toBeNull();
		expect(await response.text()).toContain("This sign-in link cannot be used");
	});

	it("renders an error page for a redirect URI the client did not register", async () => {
		const { client_id } = await flow.register();
		const response = await call(`/authorize?${await authorizeQuery(client_id, { redirect_uri: "https://attacker.example/cb" })}`);
		expect(response.status).toBe(400);
		expect(response.headers.get("Location")).toBeNull();
	});
});

describe("POST /authorize", () => {
	it("approve: redirects to GitHub with the library's state and an S256 PKCE challenge, binding the state to this browser", async () => {
		const { client_id } = await flow.register();
		const consent = await flow.openConsent(client_id);
		const response = await flow.submitConsent(consent, "approve");
		expect(response.status).toBe(302);
		const location = new URL(response.headers.get("Location") ?? "");
		expect(`${location.origin}${location.pathname}`).toBe(`${standIn().baseUrl}/login/oauth/authorize`);
		expect(location.searchParams.get("client_id")).toBe(standIn().clientId);
		expect(location.searchParams.get("redirect_uri")).toBe(`${ORIGIN}/callback`);
		expect(location.searchParams.get("code_challenge_method")).toBe("S256");
		expect(location.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(location.searchParams.get("state")).toBeTruthy();
		expect(location.searchParams.get("scope")).toContain("read:user");
		// Nothing secret travels in the URL.
		expect(location.toString()).not.toContain(standIn().clientSecret);
		expect(response.headers.getSetCookie().join(";")).toContain("__Host-oauth-upstream-");
	});

	it("deny: sends the client access_denied with its state, and stores no grant", async () => {
		const grantsBefore = await countKeys("grant:");
		const { client_id } = await flow.register();
		const consent = await flow.openConsent(client_id, { params: { state: "deny-state" } });
		const response = await flow.submitConsent(consent, "deny");
		expect(response.status).toBe(302);
		const location = new URL(response.headers.get("Location") ?? "");
		expect(`${location.origin}${location.pathname}`).toBe(LOOPBACK_REDIRECT_URI);
		expect(location.searchParams.get("error")).toBe("access_denied");
		expect(location.searchParams.get("state")).toBe("deny-state");
		expect(location.searchParams.get("iss")).toBe(ORIGIN);
		expect(await countKeys("grant:")).toBe(grantsBefore);
	});

	it.each([
		["no handle", { action: "approve" }],
		["no action", { handle: "abc" }],
		["an unknown action", { handle: "abc", action: "maybe" }],
	])("answers 400 for a form with %s", async (_case, fields) => {
		const response = await call("/authorize", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams(fields as Record<string, string>),
		});
		expect(response.status).toBe(400);
		expect(await response.text()).toContain("This form was incomplete");
	});
});
