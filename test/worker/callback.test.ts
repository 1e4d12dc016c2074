import { describe, expect, it } from "vitest";
import { resultText } from "../support/mcp-wire";
import { LOOPBACK_REDIRECT_URI, OAuthFlow, signInAtGithub } from "../support/oauth-flow";
import { HUBOT, OCTOCAT } from "../support/users";
import { call, connect, countKeys, flow, ORIGIN } from "./harness";
import { workerSend } from "./worker-send";

/** Consent approved; returns the browser's jar, the PKCE pair and GitHub's authorize URL. */
async function approvedAtWorker(state = "client-state") {
	const { client_id: clientId } = await flow.register();
	const consent = await flow.openConsent(clientId, { params: { state } });
	const approved = await flow.submitConsent(consent, "approve");
	const githubUrl = approved.headers.get("Location");
	if (!githubUrl) throw new Error("no redirect to GitHub");
	return { clientId, pkce: consent.pkce, jar: consent.jar, githubUrl };
}

describe("GET /callback", () => {
	it("completes sign-in: the client gets a code, the code a token, and the token reaches the tools as the GitHub user", async () => {
		const { clientId, pkce, jar, githubUrl } = await approvedAtWorker("round-trip");
		const callback = await signInAtGithub(githubUrl, "octocat");
		expect(`${callback.origin}${callback.pathname}`).toBe(`${ORIGIN}/callback`);

		const finished = await flow.finishCallback(callback, jar);
		expect(finished.status).toBe(302);
		const redirect = new URL(finished.headers.get("Location") ?? "");
		expect(`${redirect.origin}${redirect.pathname}`).toBe(LOOPBACK_REDIRECT_URI);
		expect(redirect.searchParams.get("state")).toBe("round-trip");
		expect(redirect.searchParams.get("iss")).toBe(ORIGIN);
		const code = redirect.searchParams.get("code") ?? "";

		const tokens = await flow.exchangeCode(clientId, code, pkce.verifier);
		expect(tokens.status).toBe(200);
		const body = (await tokens.json()) as Record<string, unknown>;
		expect(body.token_type).toBe("bearer");
		expect(typeof body.access_token).toBe("string");
		expect(typeof body.refresh_token).toBe("string");

		const client = await connect("legacy", String(body.access_token));
		const identity = JSON.parse(resultText(await client.callTool({ name: "whoami", arguments: {} })));
		expect(identity).toMatchObject({
			id: OCTOCAT.id,
			login: "octocat",
			name: "The Octocat",
			email: "octocat@github.com", // primary verified email, read with the user:email scope
			scopes: ["github:read"], // nothing more was ticked on the consent page
		});
		await client.close();
	});

	it("uses the numeric GitHub id as the grant's user, not the login", async () => {
		const before = await countKeys("grant:583231:");
		await flow.signIn({ login: "octocat" });
		expect(await countKeys("grant:583231:")).toBe(before + 1);
		expect(await countKeys("grant:octocat:")).toBe(0);
	});

	it("leaves email null when GitHub has no verified primary email", async () => {
		const { accessToken } = await flow.signIn({ login: "hubot" });
		const client = await connect("legacy", accessToken);
		const identity = JSON.parse(resultText(await client.callTool({ name: "whoami", arguments: {} })));
		expect(identity).toMatchObject({ id: HUBOT.id, login: "hubot", name: null, email: null });
		await client.close();
	});

	it("a user who declines at GitHub sends the client access_denied, and nothing is stored", async () => {
		const grants = await countKeys("grant:");
		const { jar, githubUrl } = await approvedAtWorker("declined");
		const callback = await signInAtGithub(githubUrl, "octocat", "cancel");
		expect(callback.searchParams.get("error")).toBe("access_denied");

		const response = await flow.finishCallback(callback, jar);
		expect(response.status).toBe(302);
		const redirect = new URL(response.headers.get("Location") ?? "");
		expect(`${redirect.origin}${redirect.pathname}`).toBe(LOOPBACK_REDIRECT_URI);
		expect(redirect.searchParams.get("error")).toBe("access_denied");
		expect(redirect.searchParams.get("state")).toBe("declined");
		expect(redirect.searchParams.get("code")).toBeNull();
		expect(await countKeys("grant:")).toBe(grants);
	});

	it.each([
		["an invalid code", (callback: URL) => callback.searchParams.set("code", "not-a-real-code"), "code was invalid or expired"],
		["GitHub's token endpoint failing", () => {}, "could not be reached", "fault-exchange"],
		["GitHub's user API failing", () => {}, "could not be reached", "fault-user"],
	])("%s ends on a clear error page (no stack trace) and stores nothing", async (_case, tamper, message, login = "octocat") => {
		const grants = await countKeys("grant:");
		const { jar, githubUrl } = await approvedAtWorker();
		const callback = await signInAtGithub(githubUrl, login);
		tamper(callback);
		const response = await flow.finishCallback(callback, jar);
		const page = await response.text();
		expect(response.status).toBe(502);
		expect(response.headers.get("Content-Type")).toContain("text/html");
		expect(page).toContain(message);
		expect(page).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
		expect(page).not.toContain(callback.searchParams.get("code") ?? "-");
		expect(await countKeys("grant:")).toBe(grants);
	});

	it("GitHub being unreachable ends on a clear error page and stores nothing", async () => {
		const grants = await countKeys("grant:");
		const { jar, githubUrl } = await approvedAtWorker();
		const callback = await signInAtGithub(githubUrl, "octocat");
		// Port 9 on loopback: nothing listens there, the connection is refused.
		const unreachable = new OAuthFlow({ origin: ORIGIN, send: workerSend({ GITHUB_BASE_URL: "http://127.0.0.1:9" }) });
		const response = await unreachable.finishCallback(callback, jar);
		expect(response.status).toBe(502);
		expect(await response.text()).toContain("GitHub could not be reached");
		expect(await countKeys("grant:")).toBe(grants);
	});

	it("refuses a callback without state", async () => {
		const response = await call("/callback?code=abc");
		expect(response.status).toBe(400);
		expect(await response.text()).toContain("This sign-in link cannot be used");
	});
});
