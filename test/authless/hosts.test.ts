/**
 * The authless Worker's Host check (DNS rebinding): it has no sign-in, so a page on a rebinding
 * attacker's name could otherwise drive a server on the user's machine or network freely. A Host
 * it does not serve gets 421 even with a matching Origin.
 */
import { describe, expect, it } from "vitest";
import { HOST_CASES } from "../support/hosts";
import { discard, initializeBody, MCP_ACCEPT } from "../support/mcp-wire";
import { authlessSend } from "./authless-send";

describe("the authless Worker's Host check", () => {
	it.each(HOST_CASES)("$what ($origin, ALLOWED_HOSTS=$allowedHosts): allowed = $allowed", async ({ origin, allowedHosts, allowed }) => {
		const send = authlessSend({ ALLOWED_HOSTS: allowedHosts });
		for (const request of [
			new Request(new URL("/mcp", origin), {
				method: "POST",
				headers: { "Content-Type": "application/json", Accept: MCP_ACCEPT, Origin: origin },
				body: initializeBody(),
			}),
			new Request(new URL("/sse", origin), { headers: { Accept: "text/event-stream", Origin: origin } }),
			new Request(new URL("/", origin), { headers: { Origin: origin } }),
		]) {
			const response = await send(request);
			const label = `${request.method} ${new URL(request.url).pathname}`;
			if (allowed) expect(response.status, label).toBe(200);
			else {
				expect(response.status, label).toBe(421);
				expect(await response.clone().json()).toMatchObject({ error: "misdirected_request" });
			}
			await discard(response);
		}
	});
});
