/**
 * One Worker reached on several hostnames at once (workers.dev and a custom domain; localhost and
 * 127.0.0.1 in development). Every per-origin path must work on each origin whatever origin the
 * isolate served first, on every MCP lane (legacy /mcp, legacy /sse, the 2026-07-28 lane), and
 * tokens stay bound to the origin that issued them.
 *
 * Regression: the library caches its helpers on `env.OAUTH_PROVIDER`, and the runtime passes one
 * env object to every request of an isolate, so /authorize on the second origin used the first
 * origin's provider and failed with invalid_target.
 */
import { describe, expect, it } from "vitest";
import { fromAddress } from "../support/client-address";
import { openRawLane, WIRE_LANES } from "../support/mcp-lanes";
import { OAuthFlow } from "../support/oauth-flow";
import { workerSend } from "./worker-send";

const send = fromAddress(workerSend());

/** Everything a client does on one origin: metadata, consent, callback, token, then every lane. */
async function useOrigin(origin: string) {
	const flow = new OAuthFlow({ origin, send });
	const server = (await (await flow.request("/.well-known/oauth-authorization-server")).json()) as Record<string, unknown>;
	expect(server.issuer).toBe(origin);
	const resource = (await (await flow.request("/.well-known/oauth-protected-resource")).json()) as Record<string, unknown>;
	expect(resource.resource).toBe(origin);

	const signedIn = await flow.signIn();
	for (const kind of WIRE_LANES) {
		const lane = await openRawLane(kind, { send, origin, token: signedIn.accessToken });
		const reply = await lane.request("tools/call", { name: "whoami", arguments: {} });
		expect(reply.message?.result?.structuredContent, `${kind} on ${origin}`).toMatchObject({ login: "octocat" });
		await lane.close();
	}
	return { flow, signedIn };
}

/** What each lane answers for `token` at `origin`: 200 (202 on SSE, whose answer is on the stream) or the bearer refusal. */
async function statusesAt(origin: string, token: string): Promise<number[]> {
	const statuses: number[] = [];
	for (const kind of WIRE_LANES) {
		try {
			const lane = await openRawLane(kind, { send, origin, token });
			statuses.push((await lane.request("tools/list")).status);
			await lane.close();
		} catch (error) {
			// Opening the session itself was refused.
			const status = /: (\d{3})\b/.exec(String(error))?.[1];
			statuses.push(Number(status ?? 0));
		}
	}
	return statuses;
}

describe("one isolate serving two origins", () => {
	it.each([
		["https://mcp-a.example.com", "https://mcp-a.my-account.workers.dev"],
		["https://mcp-b.my-account.workers.dev", "https://mcp-b.example.com"],
		["http://localhost:8788", "http://127.0.0.1:8788"],
		["http://127.0.0.1:8790", "http://localhost:8790"],
	])("signs in and serves every lane on %s, then on %s", async (first, second) => {
		const one = await useOrigin(first);
		const two = await useOrigin(second);

		// Each token works where it was issued and nowhere else (RFC 8707 audience), on every lane.
		expect(await statusesAt(second, one.signedIn.accessToken)).toEqual([401, 401, 401]);
		expect(await statusesAt(first, two.signedIn.accessToken)).toEqual([401, 401, 401]);
		expect(await statusesAt(first, one.signedIn.accessToken)).toEqual([200, 202, 200]);
		// Refresh tokens too: at home, not at the other origin.
		expect((await two.flow.refresh(two.signedIn.clientId, two.signedIn.refreshToken)).status).toBe(200);
		const elsewhere = new OAuthFlow({ origin: second, send });
		expect((await elsewhere.refresh(one.signedIn.clientId, one.signedIn.refreshToken)).status).toBe(400);
	});
});
