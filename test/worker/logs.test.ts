/**
 * Nothing secret in the logs. Every console line the Worker and its Durable Objects write is
 * captured across sign-ins (a public and a confidential client), tool calls on every lane (reads,
 * writes with their audit lines, GitHub refusing a token), failures (bad codes, garbage tokens, a
 * broken configuration, scope and Origin refusals, malformed bodies), refreshes, refresh token
 * reuse and revocation; then every secret in play is looked for: MCP access and refresh tokens,
 * authorization codes, GitHub tokens (everything the stand-in was shown), client secrets, the
 * SESSION_SECRET and the keys derived from it, consent handles and states.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { derivedSecret, type KeyPurpose } from "../../src/keys";
import { fromAddress } from "../support/client-address";
import { captureConsole } from "../support/console-capture";
import { openRawLane, WIRE_LANES } from "../support/mcp-lanes";
import { discard } from "../support/mcp-wire";
import { OAuthFlow, signInAtGithub } from "../support/oauth-flow";
import { createStandInUser, mintGithubToken, presentedTokens } from "../support/standin";
import { scratchRepo } from "../support/tool-examples";
import { grantProps } from "../support/users";
import { acceptAsShown, connect, issueTokens, LANES, ORIGIN, standIn } from "./harness";
import { workerSend } from "./worker-send";

const send = fromAddress(workerSend());
const flow = new OAuthFlow({ origin: ORIGIN, send });
const PURPOSES: KeyPurpose[] = ["mcp-session/v1", "consent-memory/v1", "browser-session/v1", "token-vault/v1"];

afterEach(() => {
	vi.restoreAllMocks();
});

interface Tokens {
	access_token: string;
	refresh_token: string;
}

describe("logs", () => {
	it("never contain a token, a code, a client secret, the session secret or a state, whatever happens", { timeout: 120_000 }, async () => {
		const logs = captureConsole();
		const secrets: string[] = [standIn().clientSecret, env.SESSION_SECRET];
		for (const purpose of PURPOSES) secrets.push(await derivedSecret(env.SESSION_SECRET, purpose));

		// Sign-ins: a public client, and a confidential one (its client secret at the token endpoint).
		const publicClient = await flow.signIn({ scopes: ["github:write"] });
		secrets.push(publicClient.accessToken, publicClient.refreshToken);
		const registered = (await (
			await flow.request("/register", {
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify({
					client_name: "Confidential",
					redirect_uris: [flow.redirectUri],
					token_endpoint_auth_method: "client_secret_post",
				}),
			})
		).json()) as { client_id: string; client_secret: string };
		secrets.push(registered.client_secret);
		const consent = await flow.openConsent(registered.client_id);
		secrets.push(consent.handle);
		const code = await flow.codeAfterApproval(await flow.submitConsent(consent, "approve", ["github:write"]), consent.jar, "octocat");
		secrets.push(code);
		const confidential = (await (
			await flow.exchangeCode(registered.client_id, code, consent.pkce.verifier, { client_secret: registered.client_secret })
		).json()) as Tokens;
		secrets.push(confidential.access_token, confidential.refresh_token);

		// Tool calls on both protocol lanes: reads, and a confirmed write (an audit line each).
		for (const lane of LANES) {
			const client = await connect(lane, publicClient.accessToken, { elicit: acceptAsShown });
			await client.callTool({ name: "list_repos", arguments: {} });
			await client.callTool({ name: "get_file", arguments: { owner: "octocat", repo: "repo-a-0", path: "README.md" } });
			await client.callTool({
				name: "create_issue",
				arguments: { owner: "octocat", repo: scratchRepo(`logged-write-${lane}`), title: `Logged write (${lane})` },
			});
			await client.close();
		}
		// Every wire lane: a tool GitHub refuses (its grant ends), a write beyond the token's scope,
		// a foreign Origin, malformed input.
		const user = await createStandInUser(standIn().baseUrl, { orgs: ["octo-org"] });
		for (const kind of WIRE_LANES) {
			const refusedToken = await mintGithubToken(standIn().baseUrl, user.login, { fault: "unauthorized" });
			const failing = await issueTokens(grantProps(user, { accessToken: refusedToken, scopes: ["repo"] }));
			const readOnly = await issueTokens(
				grantProps(user, { accessToken: await mintGithubToken(standIn().baseUrl, user.login), scopes: ["repo"] }),
				["github:read"],
			);
			secrets.push(refusedToken, failing.accessToken, failing.refreshToken, readOnly.accessToken, readOnly.refreshToken);
			const lane = await openRawLane(kind, { send, origin: ORIGIN, token: readOnly.accessToken });
			await lane.request("tools/call", { name: "create_issue", arguments: { owner: "octocat", repo: "repo-a-0", title: "no scope" } });
			await lane.request("tools/call", { name: "add", arguments: { a: 1, b: 1 } }, { headers: { Origin: "https://evil.example" } });
			await lane.post("{not json");
			await lane.post('{"hello":1}');
			await lane.close();
			const failingLane = await openRawLane(kind, { send, origin: ORIGIN, token: failing.accessToken });
			await failingLane.request("tools/call", { name: "list_repos", arguments: {} });
			await failingLane.close();
		}

		// Refreshes, a refresh token reused after the grace window, and a revocation.
		const refreshed = (await (await flow.refresh(publicClient.clientId, publicClient.refreshToken)).json()) as Tokens;
		secrets.push(refreshed.access_token, refreshed.refresh_token);
		const [userId, grantId] = publicClient.refreshToken.split(":");
		const usedKey = `refresh-used:${userId}:${grantId}`;
		const used = (await env.OAUTH_KV.get<Record<string, number>>(usedKey, "json")) ?? {};
		await env.OAUTH_KV.put(usedKey, JSON.stringify(Object.fromEntries(Object.entries(used).map(([hash, at]) => [hash, at - 120_000]))));
		await discard(await flow.refresh(publicClient.clientId, publicClient.refreshToken));
		const revoked = await flow.request("/token", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({
				token: confidential.refresh_token,
				client_id: registered.client_id,
				client_secret: registered.client_secret,
			}),
		});
		await discard(revoked);

		// Failure paths that log: a bad code at the callback, codes and tokens refused at /token,
		// garbage bearer tokens, a broken configuration.
		const badClient = await flow.register();
		const badConsent = await flow.openConsent(badClient.client_id);
		const callback = await signInAtGithub((await flow.submitConsent(badConsent, "approve")).headers.get("Location") ?? "", "octocat");
		secrets.push(badConsent.handle, callback.searchParams.get("state") ?? "", callback.searchParams.get("code") ?? "");
		callback.searchParams.set("code", "bad-code-value-123");
		secrets.push("bad-code-value-123");
		await discard(await flow.finishCallback(callback, badConsent.jar));
		await discard(await flow.exchangeCode(badClient.client_id, "583231:grant-id:code-secret-value", "v".repeat(43)));
		secrets.push("code-secret-value");
		await discard(await flow.refresh(badClient.client_id, "583231:grant-id:refresh-secret-value"));
		secrets.push("refresh-secret-value");
		for (const garbage of ["user:grant:secret-garbage-value", "583231:AAAAAAAAAAAAAAAA:another-garbage-value"]) {
			await discard(
				await send(new Request(new URL("/mcp", ORIGIN), { method: "POST", body: "{}", headers: { Authorization: `Bearer ${garbage}` } })),
			);
			secrets.push(garbage);
		}
		await discard(await workerSend({ GITHUB_CLIENT_SECRET: "short" })(new Request(new URL("/authorize?client_id=x", ORIGIN))));
		await discard(await workerSend({ ALLOWED_HOSTS: "https://not-a-host" })(new Request(new URL("/mcp", ORIGIN))));

		// Everything the stand-in was shown is a GitHub credential this test put in play.
		secrets.push(...(await presentedTokens(standIn().baseUrl)));

		const output = logs();
		// The paths above did log (so the capture saw the Worker and its Durable Objects).
		for (const type of ["audit", "oauth_error", "refresh_token_reuse", "grant_ended", "config_error", "upstream_sign_in_failed"]) {
			expect(output, type).toContain(`"type":"${type}"`);
		}
		expect(output).toMatch(/"type":"audit"[^\n]*"lane":"session"/);
		expect(output).toMatch(/"type":"audit"[^\n]*"lane":"stateless"/);
		for (const secret of new Set(secrets.filter((value) => value.length >= 8))) expect(output).not.toContain(secret);
		// No GitHub token of any shape, and no caller header (base64url of `{"user":`, carrying the GitHub token).
		expect(output).not.toMatch(/gh[oupsr]_[A-Za-z0-9]{8}/);
		expect(output).not.toContain("eyJ1c2VyIjp");
	});
});
