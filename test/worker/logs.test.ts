/**
 * Nothing secret in the logs: capture every console line the Worker (and its Durable Object)
 * writes during full sign-ins, tool calls and the failure paths, then look for every secret,
 * token and code that was in play.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CookieJar, callWorker, createPkce, openConsent, registerClient, signIn, signInAtGithub, standIn, submitConsent } from "./helpers";
import { connectMcp } from "./mcp-client";

const METHODS = ["log", "info", "warn", "error", "debug"] as const;

function captureConsole(): () => string {
	const lines: string[] = [];
	for (const method of METHODS) {
		vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			lines.push(args.map((arg) => (typeof arg === "string" ? arg : (JSON.stringify(arg) ?? String(arg)))).join(" "));
		});
	}
	return () => lines.join("\n");
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe("logs", () => {
	it("never contain a secret, a token, a code or a state across sign-ins, tool calls and failures", async () => {
		const logs = captureConsole();
		const secrets: string[] = [standIn().clientSecret, env.COOKIE_ENCRYPTION_KEY];

		// A full sign-in and tool calls, including one that GitHub refuses.
		const session = await signIn("octocat");
		secrets.push(session.accessToken, session.refreshToken);
		const client = await connectMcp(session.accessToken);
		await client.callTool({ name: "list_repos", arguments: {} });
		await client
			.callTool({ name: "create_issue", arguments: { owner: "octocat", repo: "repo-a-0", title: "no scope" } })
			.catch(() => undefined);
		await client.close();

		// Failure paths that log: a bad code at the callback, a garbage bearer token, a bad config.
		const { client_id } = await registerClient();
		const consent = await openConsent(client_id, await createPkce());
		const approved = await submitConsent(consent, "approve");
		const callback = await signInAtGithub(approved.headers.get("Location") ?? "", "octocat");
		secrets.push(consent.handle, callback.searchParams.get("state") ?? "", callback.searchParams.get("code") ?? "");
		callback.searchParams.set("code", "bad-code-value-123");
		secrets.push("bad-code-value-123");
		await (await callWorker(callback, { jar: consent.jar })).text();
		await (
			await callWorker("/mcp", { method: "POST", body: "{}", headers: { Authorization: "Bearer user:grant:secret-garbage-value" } })
		).text();
		secrets.push("secret-garbage-value");
		await (await callWorker("/authorize?client_id=x", { jar: new CookieJar(), env: { GITHUB_CLIENT_SECRET: "short" } })).text();

		const output = logs();
		expect(output.length).toBeGreaterThan(0); // the failures above were logged
		for (const secret of secrets.filter((value) => value.length >= 5)) expect(output).not.toContain(secret);
		expect(output).not.toMatch(/gho_[0-9a-f]{8}/);
	});
});
