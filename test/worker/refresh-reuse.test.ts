/**
 * Refresh token reuse detection (src/auth/refresh-reuse.ts; OAuth 2.1 §4.3.1, RFC 9700 §4.14.2):
 * a used refresh token presented again ends the grant, unless it is the client's honest retry of
 * its newest refresh within REFRESH_RETRY_GRACE_MS. The rule is tested on its own with an
 * injected clock, then end to end through /token, moving the recorded first use back in KV.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isRefreshTokenReuse, REFRESH_RETRY_GRACE_MS, type UsedTokens } from "../../src/auth/refresh-reuse";
import { fromAddress } from "../support/client-address";
import { captureConsole } from "../support/console-capture";
import { discard, initializeBody, legacyHeaders, modernRequest } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { ORIGIN } from "./harness";
import { workerSend } from "./worker-send";

const send = fromAddress(workerSend());
const flow = new OAuthFlow({ origin: ORIGIN, send });

afterEach(() => {
	vi.restoreAllMocks();
});

describe("isRefreshTokenReuse (the rule, with the clock injected)", () => {
	const T = 1_700_000_000_000;
	const used: UsedTokens = { older: T - 5_000, newest: T };

	it.each([
		["a token never used", "unknown", T + 10 * REFRESH_RETRY_GRACE_MS, false],
		["the newest used token, retried at once", "newest", T, false],
		["the newest used token, retried at the end of the grace window", "newest", T + REFRESH_RETRY_GRACE_MS, false],
		["the newest used token, one millisecond after the grace window", "newest", T + REFRESH_RETRY_GRACE_MS + 1, true],
		["the newest used token, a day later", "newest", T + 86_400_000, true],
		["a token superseded by a newer used one, within the grace window", "older", T + 1, true],
		["a token superseded by a newer used one, at the same moment", "older", T, true],
		["a token superseded by a newer used one, long after", "older", T + 10 * REFRESH_RETRY_GRACE_MS, true],
	] as const)("%s: reuse = %s", (_what, hash, now, reuse) => {
		expect(isRefreshTokenReuse(used, hash, now)).toBe(reuse);
	});

	it("two tokens first used at the same moment do not supersede each other", () => {
		expect(isRefreshTokenReuse({ a: T, b: T }, "a", T + 1)).toBe(false);
	});
});

interface Tokens {
	access_token: string;
	refresh_token: string;
}

async function refreshed(clientId: string, refreshToken: string): Promise<Tokens> {
	const response = await flow.refresh(clientId, refreshToken);
	expect(response.status, await response.clone().text()).toBe(200);
	return response.json();
}

/** What each lane answers for this access token: 200 while its grant lives, 401 once it ended. */
async function laneStatuses(accessToken: string): Promise<number[]> {
	const legacy = await send(
		new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: legacyHeaders(accessToken), body: initializeBody() }),
	);
	const sse = await send(
		new Request(new URL("/sse", ORIGIN), { headers: { Authorization: `Bearer ${accessToken}`, Accept: "text/event-stream" } }),
	);
	const { body, headers } = modernRequest("tools/list");
	const modern = await send(
		new Request(new URL("/mcp", ORIGIN), { method: "POST", headers: { ...headers, Authorization: `Bearer ${accessToken}` }, body }),
	);
	for (const response of [legacy, sse, modern]) await discard(response);
	return [legacy.status, sse.status, modern.status];
}

function grantKeyOf(token: string): string {
	const [userId, grantId] = token.split(":");
	return `${userId}:${grantId}`;
}

/** Moves every recorded first use of the grant's refresh tokens back by `ms`, as if that much time had passed. */
async function age(token: string, ms: number): Promise<void> {
	const key = `refresh-used:${grantKeyOf(token)}`;
	const used = (await env.OAUTH_KV.get<UsedTokens>(key, "json")) ?? {};
	expect(Object.keys(used).length).toBeGreaterThan(0);
	await env.OAUTH_KV.put(key, JSON.stringify(Object.fromEntries(Object.entries(used).map(([hash, at]) => [hash, at - ms]))));
}

async function expectGrantEnded(latest: Tokens, clientId: string): Promise<void> {
	expect(await laneStatuses(latest.access_token)).toEqual([401, 401, 401]);
	const again = await flow.refresh(clientId, latest.refresh_token);
	expect(again.status).toBe(400);
	expect(await env.OAUTH_KV.get(`grant:${grantKeyOf(latest.access_token)}`)).toBeNull();
	expect(await env.OAUTH_KV.get(`refresh-used:${grantKeyOf(latest.access_token)}`)).toBeNull();
}

describe("refresh token reuse, end to end", () => {
	it("an honest retry within the grace window works, and the grant keeps working", async () => {
		const session = await flow.signIn();
		const first = await refreshed(session.clientId, session.refreshToken);
		// The client lost that answer and retries with the same token.
		const retried = await refreshed(session.clientId, session.refreshToken);
		expect(await laneStatuses(retried.access_token)).toEqual([200, 200, 200]);
		const next = await refreshed(session.clientId, retried.refresh_token);
		expect(await laneStatuses(next.access_token)).toEqual([200, 200, 200]);
		expect(first.refresh_token).not.toBe(retried.refresh_token);
	});

	it("a used token presented after the grace window ends the grant: the current access and refresh tokens stop working", async () => {
		const logs = captureConsole();
		const session = await flow.signIn();
		const current = await refreshed(session.clientId, session.refreshToken);
		expect(await laneStatuses(current.access_token)).toEqual([200, 200, 200]);
		await age(session.refreshToken, REFRESH_RETRY_GRACE_MS + 1_000);

		const replay = await flow.refresh(session.clientId, session.refreshToken);
		expect(replay.status).toBe(400);
		expect(await replay.json()).toMatchObject({ error: "invalid_grant", error_description: expect.stringContaining("already used") });
		await expectGrantEnded(current, session.clientId);
		expect(logs()).toContain('"type":"refresh_token_reuse"');
		expect(logs()).toContain('"type":"grant_ended"');
	});

	it("just inside the grace window, the same retry is still honest", async () => {
		const session = await flow.signIn();
		await refreshed(session.clientId, session.refreshToken);
		await age(session.refreshToken, REFRESH_RETRY_GRACE_MS - 5_000);
		const retried = await refreshed(session.clientId, session.refreshToken);
		expect(await laneStatuses(retried.access_token)).toEqual([200, 200, 200]);
	});

	// Regression: the grace window alone decided, so a token two rotations back, replayed within a
	// minute, was refused without ending the grant, and the newest tokens (a thief's, possibly) lived on.
	it("regression: a token two rotations back, replayed within the grace window, is refused and ends the grant", async () => {
		const session = await flow.signIn();
		const second = await refreshed(session.clientId, session.refreshToken);
		const third = await refreshed(session.clientId, second.refresh_token);
		const replay = await flow.refresh(session.clientId, session.refreshToken);
		expect(replay.status).toBe(400);
		expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
		await expectGrantEnded(third, session.clientId);
	});

	// Regression: a stolen token replayed within the grace window passed as the client's retry and
	// rotated the grant; the client's own newer token was then merely refused, and the thief's
	// tokens lived on.
	it("regression: the client's token, superseded unused by a replay within the grace window, ends the grant when it comes back", async () => {
		const logs = captureConsole();
		const session = await flow.signIn();
		const clients = await refreshed(session.clientId, session.refreshToken);
		const thiefs = await refreshed(session.clientId, session.refreshToken);
		expect(await laneStatuses(thiefs.access_token)).toEqual([200, 200, 200]);
		const back = await flow.refresh(session.clientId, clients.refresh_token);
		expect(back.status).toBe(400);
		expect(await back.json()).toMatchObject({ error: "invalid_grant", error_description: expect.stringContaining("already used") });
		await expectGrantEnded(thiefs, session.clientId);
		expect(await env.OAUTH_KV.get(`refresh-issued:${grantKeyOf(thiefs.access_token)}`)).toBeNull();
		expect(logs()).toContain('"reason":"superseded"');
	});

	it("the grant's current token presented by another client is refused, and the grant lives on", async () => {
		const session = await flow.signIn();
		const current = await refreshed(session.clientId, session.refreshToken);
		const other = (await flow.register()).client_id;
		expect((await flow.refresh(other, current.refresh_token)).status).toBe(400);
		expect(await laneStatuses(current.access_token)).toEqual([200, 200, 200]);
		await refreshed(session.clientId, current.refresh_token);
	});

	it.each([
		["as sent", true, (token: string) => token],
		["with its colons percent-encoded in the form", true, (token: string) => token],
		["from another client", true, (token: string) => token],
		["uppercased", false, (token: string) => token.toUpperCase()],
		["truncated", false, (token: string) => token.slice(0, -1)],
		["with a character appended", false, (token: string) => `${token}A`],
		["with a trailing space", false, (token: string) => `${token} `],
		["under another user id", false, (token: string) => token.replace(/^[^:]+/, "1")],
	] as const)("a used token presented %s after the grace window: ends the grant = %s", async (how, ends, variant) => {
		const session = await flow.signIn();
		const current = await refreshed(session.clientId, session.refreshToken);
		await age(session.refreshToken, REFRESH_RETRY_GRACE_MS + 1_000);
		const clientId = how === "from another client" ? (await flow.register()).client_id : session.clientId;
		const presented = variant(session.refreshToken);
		const form =
			how === "with its colons percent-encoded in the form"
				? `grant_type=refresh_token&client_id=${encodeURIComponent(clientId)}&refresh_token=${presented.replaceAll(":", "%3A")}`
				: new URLSearchParams({ grant_type: "refresh_token", client_id: clientId, refresh_token: presented });
		const response = await flow.request("/token", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: form,
		});
		expect(response.status).toBe(400);
		if (ends) await expectGrantEnded(current, session.clientId);
		else {
			// Only a token that was really used can end a grant: a forged one is just invalid.
			expect(await laneStatuses(current.access_token)).toEqual([200, 200, 200]);
			await refreshed(session.clientId, current.refresh_token);
		}
	});
});
