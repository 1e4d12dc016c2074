/**
 * The Host check (DNS rebinding defence, src/mcp/guard/host.ts), before anything else the Worker
 * does: a request naming a host this Worker does not serve gets 421 even when its Origin matches
 * that host (the rebinding attacker controls both), on every path, and stores nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fromAddress } from "../support/client-address";
import { HOST_CASES } from "../support/hosts";
import { countKeys } from "../support/kv";
import { discard, initializeBody, legacyHeaders } from "../support/mcp-wire";
import { workerSend } from "./worker-send";

describe("the Host check", () => {
	it.each(HOST_CASES)("$what ($origin, ALLOWED_HOSTS=$allowedHosts): allowed = $allowed", async ({ origin, allowedHosts, allowed }) => {
		const send = fromAddress(workerSend({ ALLOWED_HOSTS: allowedHosts }));
		const clients = await countKeys(env.OAUTH_KV, "client:");
		const requests = [
			new Request(new URL("/.well-known/oauth-protected-resource", origin), { headers: { Origin: origin } }),
			new Request(new URL("/mcp", origin), {
				method: "POST",
				headers: { ...legacyHeaders("x:y:z"), Origin: origin },
				body: initializeBody(),
			}),
			new Request(new URL("/sse", origin), { headers: { Accept: "text/event-stream", Origin: origin } }),
			new Request(new URL("/authorize?client_id=x", origin), { headers: { Origin: origin } }),
			new Request(new URL("/register", origin), {
				method: "POST",
				headers: { "Content-Type": "application/json", Origin: origin },
				body: JSON.stringify({ client_name: "x", redirect_uris: ["http://127.0.0.1:1/cb"], token_endpoint_auth_method: "none" }),
			}),
		];
		for (const request of requests) {
			const response = await send(request);
			const label = `${request.method} ${new URL(request.url).pathname}`;
			if (allowed) expect(response.status, label).not.toBe(421);
			else {
				expect(response.status, label).toBe(421);
				expect(response.headers.get("Cache-Control")).toBe("no-store");
				const body = (await response.clone().json()) as { error: string; error_description: string };
				expect(body.error).toBe("misdirected_request");
				expect(body.error_description).toContain("ALLOWED_HOSTS");
			}
			await discard(response);
		}
		expect(await countKeys(env.OAUTH_KV, "client:")).toBe(clients + (allowed ? 1 : 0));
	});

	it("an allowed host is served as its own origin (resource and issuer)", async () => {
		const send = workerSend({ ALLOWED_HOSTS: "mcp.example.com, *.tenant.example.org" });
		for (const origin of ["https://mcp.example.com", "https://a.tenant.example.org", "https://my-worker.my-account.workers.dev"]) {
			const resource = (await (await send(new Request(new URL("/.well-known/oauth-protected-resource", origin)))).json()) as {
				resource: string;
			};
			expect(resource.resource).toBe(origin);
		}
	});

	it("the 421 names at most 253 characters of the host", async () => {
		const send = workerSend({ ALLOWED_HOSTS: "" });
		const host = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(60)}.example`;
		const response = await send(new Request(new URL("/", `https://${host}`)));
		expect(response.status).toBe(421);
		const body = (await response.json()) as { error_description: string };
		expect(body.error_description).not.toContain(host);
		expect(body.error_description).toContain(host.slice(0, 253));
	});
});
