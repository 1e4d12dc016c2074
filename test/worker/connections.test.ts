/**
 * /connections: the signed-in user's connected MCP clients. Only their own grants are listed or
 * revoked; revoking ends that client's access and refresh tokens at once while other clients keep
 * working; every form needs the session, its token and a same-origin request.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SESSION_COOKIE_NAME } from "../../src/auth/browser-session";
import { userStore } from "../../src/state/stubs";
import { CookieJar } from "../support/cookie-jar";
import { visibleText } from "../support/forms";
import { initializeBody, legacyHeaders } from "../support/mcp-wire";
import { ConnectionsBrowser, revokableGrants, signInAtGithub } from "../support/oauth-flow";
import { HUBOT, OCTOCAT } from "../support/users";
import { call, flow, ORIGIN, send } from "./harness";

/** The grant an access token belongs to (tokens are `userId:grantId:secret`). */
function grantOf(token: string): string {
	return token.split(":")[1] ?? "";
}

async function mcpStatus(token: string): Promise<number> {
	const response = await send(
		new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: legacyHeaders(token), body: initializeBody() }),
	);
	await response.body?.cancel();
	return response.status;
}

async function signedInBrowser(login = "octocat"): Promise<ConnectionsBrowser> {
	const browser = new ConnectionsBrowser(flow);
	await browser.signIn(login);
	return browser;
}

describe("GET /connections", () => {
	it("without a session: explains the page and offers to sign in with GitHub, listing nothing", async () => {
		const response = await call("/connections");
		const page = await response.text();
		expect(response.status).toBe(200);
		expect(visibleText(page)).toContain("Sign in with GitHub");
		expect(page).toMatch(/<form method="post" action="\/connections\/sign-in">/);
		expect(revokableGrants(page)).toEqual([]);
	});

	it("sign-in sets a short-lived, signed __Host- session cookie (HttpOnly, Secure, SameSite=Lax)", async () => {
		const browser = new ConnectionsBrowser(flow);
		const started = await browser.post("/connections/sign-in", {});
		expect(started.status).toBe(302);
		const github = new URL(started.headers.get("Location") ?? "");
		expect(github.searchParams.get("state")).toMatch(/^connections\./);
		expect(github.searchParams.get("code_challenge_method")).toBe("S256");
		expect(github.searchParams.get("redirect_uri")).toBe(`${ORIGIN}/callback`);
		expect(started.headers.getSetCookie().join("\n")).toMatch(
			/__Host-mcp-connections-sign-in=[^;]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax/,
		);
		await browser.signIn();
		expect(browser.jar.has(SESSION_COOKIE_NAME)).toBe(true);
	});

	it("lists every client holding a grant for the user, with its name, scopes and date, and a Revoke button each", async () => {
		const one = await flow.signIn({ login: "octocat", clientId: (await flow.register({ client_name: "First\u202E App" })).client_id });
		const two = await flow.signIn({
			login: "octocat",
			scopes: ["github:write"],
			clientId: (await flow.register({ client_name: "Second App" })).client_id,
		});
		const browser = await signedInBrowser();
		const { page, response } = await browser.open();
		expect(response.status).toBe(200);
		expect(response.headers.get("Cache-Control")).toContain("no-store");
		const grants = revokableGrants(page);
		expect(grants).toContain(grantOf(one.accessToken));
		expect(grants).toContain(grantOf(two.accessToken));
		const text = visibleText(page);
		expect(text).toContain("Signed in as octocat");
		expect(text).toContain("First App"); // cleaned
		expect(text).toContain("Second App");
		expect(text).toContain("Create issues and comments as you");
		expect(text).toMatch(/Allowed \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
		expect(page.match(/<button class="secondary" type="submit">Revoke<\/button>/g)?.length).toBe(grants.length);
	});

	it("shows only the session user's grants: another user's clients never appear", async () => {
		const octocats = await flow.signIn({ login: "octocat" });
		const hubots = await flow.signIn({ login: "hubot" });
		const hubotPage = (await (await signedInBrowser("hubot")).open()).page;
		expect(revokableGrants(hubotPage)).toContain(grantOf(hubots.accessToken));
		expect(revokableGrants(hubotPage)).not.toContain(grantOf(octocats.accessToken));
		expect(revokableGrants(hubotPage).every((grant) => grant !== "")).toBe(true);
		expect(hubots.accessToken.startsWith(`${HUBOT.id}:`)).toBe(true);
	});

	it("shows the user's audit trail", async () => {
		await userStore(env, undefined, OCTOCAT.id).auditAppend(
			{
				at: Date.now(),
				userId: OCTOCAT.id,
				login: "octocat",
				clientId: "some-client",
				tool: "create_issue",
				target: "octocat/hello\u202Eworld#1",
				outcome: "created",
				lane: "session",
			},
			90,
		);
		const text = visibleText((await (await signedInBrowser()).open()).page);
		expect(text).toContain("What apps wrote as you");
		expect(text).toContain("create_issue");
		expect(text).toContain("octocat/helloworld#1");
		expect(text).toContain("created");
	});
});

describe("POST /connections/revoke", () => {
	it("ends that client's access and refresh tokens at once; another client keeps working", async () => {
		const revoked = await flow.signIn({ login: "octocat" });
		const kept = await flow.signIn({ login: "octocat" });
		expect(await mcpStatus(revoked.accessToken)).toBe(200);

		const browser = await signedInBrowser();
		const response = await browser.revoke(grantOf(revoked.accessToken));
		expect(response.status).toBe(303);
		expect(response.headers.get("Location")).toBe("/connections");

		expect(await mcpStatus(revoked.accessToken)).toBe(401);
		expect((await flow.refresh(revoked.clientId, revoked.refreshToken)).status).toBe(400);
		expect(await mcpStatus(kept.accessToken)).toBe(200);
		const page = (await browser.open()).page;
		expect(revokableGrants(page)).not.toContain(grantOf(revoked.accessToken));
		expect(revokableGrants(page)).toContain(grantOf(kept.accessToken));
	});

	it("refuses another user's grant id, and that grant keeps working", async () => {
		const hubots = await flow.signIn({ login: "hubot" });
		const browser = await signedInBrowser("octocat");
		const response = await browser.revoke(grantOf(hubots.accessToken));
		expect(response.status).toBe(404);
		expect(await mcpStatus(hubots.accessToken)).toBe(200);
	});

	const forged: [string, (browser: ConnectionsBrowser, grant: string) => Promise<Response>][] = [
		[
			"without a session",
			async (_browser, grant) => new ConnectionsBrowser(flow).post("/connections/revoke", { grant, csrf: "x".repeat(43) }),
		],
		[
			"from another origin",
			async (browser, grant) =>
				browser.post("/connections/revoke", { grant, csrf: (await browser.open()).csrf }, { Origin: "https://evil.example.com" }),
		],
		[
			"from a sibling subdomain",
			async (browser, grant) =>
				browser.post("/connections/revoke", { grant, csrf: (await browser.open()).csrf }, { Origin: "https://attacker.mcp.example.com" }),
		],
		[
			"with Origin null",
			async (browser, grant) => browser.post("/connections/revoke", { grant, csrf: (await browser.open()).csrf }, { Origin: "null" }),
		],
		[
			"without Origin or Sec-Fetch-Site",
			async (browser, grant) => browser.post("/connections/revoke", { grant, csrf: (await browser.open()).csrf }, {}),
		],
		[
			"with Sec-Fetch-Site cross-site",
			async (browser, grant) =>
				browser.post("/connections/revoke", { grant, csrf: (await browser.open()).csrf }, { "Sec-Fetch-Site": "cross-site" }),
		],
		["without the form token", async (browser, grant) => browser.post("/connections/revoke", { grant })],
		[
			"with another session's form token",
			async (browser, grant) => browser.post("/connections/revoke", { grant, csrf: (await (await signedInBrowser()).open()).csrf }),
		],
		[
			"with a tampered session cookie",
			async (browser, grant) => {
				const tampered = new CookieJar();
				const value = browser.jar
					.header()
					.replace(
						/(__Host-mcp-connections-session=)([^;]*)/,
						(_m, name: string, v: string) => `${name}${v.replace(/%22uid%22%3A%22\d+/, "%22uid%22%3A%22480938")}`,
					);
				return flow.request(
					"/connections/revoke",
					{
						method: "POST",
						headers: { Cookie: value, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
						body: new URLSearchParams({ grant, csrf: (await browser.open()).csrf }),
					},
					tampered,
				);
			},
		],
	];

	it.each(forged)("a forged revoke %s is refused, and the grant keeps working", async (_case, forge) => {
		const victim = await flow.signIn({ login: "octocat" });
		const browser = await signedInBrowser();
		const response = await forge(browser, grantOf(victim.accessToken));
		expect([401, 403]).toContain(response.status);
		expect(await mcpStatus(victim.accessToken)).toBe(200);
	});
});

describe("the session", () => {
	it("Sign out ends it: the page asks to sign in again and forms are refused", async () => {
		const browser = await signedInBrowser();
		const { csrf } = await browser.open();
		const out = await browser.post("/connections/sign-out", { csrf });
		expect(out.status).toBe(303);
		expect(browser.jar.has(SESSION_COOKIE_NAME)).toBe(false);
		expect(visibleText((await browser.open()).page)).toContain("Sign in with GitHub");
		const victim = await flow.signIn();
		expect((await browser.post("/connections/revoke", { grant: grantOf(victim.accessToken), csrf })).status).toBe(401);
	});

	it("a sign-in that comes back to another browser (no transaction cookie) is refused", async () => {
		const started = await new ConnectionsBrowser(flow).post("/connections/sign-in", {});
		const callback = await signInAtGithub(started.headers.get("Location") ?? "", "octocat");
		const stranger = new ConnectionsBrowser(flow);
		const response = await flow.request(callback, {}, stranger.jar);
		expect(response.status).toBe(400);
		expect(stranger.jar.has(SESSION_COOKIE_NAME)).toBe(false);
	});

	it("a sign-in state cannot be replayed once used", async () => {
		const browser = new ConnectionsBrowser(flow);
		const started = await browser.post("/connections/sign-in", {});
		const callback = await signInAtGithub(started.headers.get("Location") ?? "", "octocat");
		const jarBefore = browser.jar.header();
		expect((await flow.request(callback, {}, browser.jar)).status).toBe(303);
		const replay = await flow.request(callback, {
			headers: { Cookie: jarBefore.replace(/__Host-mcp-connections-session=[^;]*;?\s*/, "") },
		});
		expect(replay.status).not.toBe(303);
	});
});
