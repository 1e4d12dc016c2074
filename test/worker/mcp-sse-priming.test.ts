/**
 * SSE priming on /mcp (McpAgent lane): for MCP 2025-11-25 and later, a POST answered with an SSE
 * stream starts with an event that has an id, a `retry` and empty data (Streamable HTTP, "Sending
 * Messages to the Server"), so a client that loses the stream can resume it with Last-Event-ID.
 * Earlier revisions get no such event.
 */
import { describe, expect, it } from "vitest";
import { initializeBody, legacyHeaders, readResponse } from "../support/mcp-wire";
import { call, issueToken, userProps } from "./harness";

/** An initialized 2025-era session: its token and id. */
async function openSession(version: string) {
	const token = await issueToken(await userProps());
	const initialized = await call("/mcp", { method: "POST", headers: legacyHeaders(token), body: initializeBody({ version }) });
	expect(initialized.status).toBe(200);
	const sessionId = initialized.headers.get("Mcp-Session-Id") ?? "";
	await initialized.body?.cancel();
	const notified = await call("/mcp", {
		method: "POST",
		headers: legacyHeaders(token, sessionId, version),
		body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
	});
	expect(notified.status).toBe(202);
	return { token, sessionId };
}

/** The SSE events of a response, each as its fields. */
function events(text: string): Record<string, string>[] {
	return text
		.split(/\r?\n\r?\n/)
		.filter((block) => block.trim() !== "" && !block.startsWith(":"))
		.map((block) => {
			const fields: Record<string, string> = {};
			for (const line of block.split(/\r?\n/)) {
				const index = line.indexOf(":");
				const name = index < 0 ? line : line.slice(0, index);
				const value = index < 0 ? "" : line.slice(index + 1).replace(/^ /, "");
				fields[name] = name in fields ? `${fields[name]}\n${value}` : value;
			}
			return fields;
		});
}

async function toolsList(token: string, sessionId: string, version: string, id = 2) {
	return call("/mcp", {
		method: "POST",
		headers: legacyHeaders(token, sessionId, version),
		body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/list", params: {} }),
	});
}

describe("SSE priming on /mcp (2025 lane)", () => {
	it("2025-11-25: the stream starts with an id, a retry and empty data, then the response", async () => {
		const { token, sessionId } = await openSession("2025-11-25");
		const response = await toolsList(token, sessionId, "2025-11-25");
		expect(response.headers.get("Content-Type")).toContain("text/event-stream");
		const [first, ...rest] = events(await response.text());
		expect(first?.id).toMatch(/^[^:\s]+:0{16}$/);
		expect(Number(first?.retry)).toBeGreaterThan(0);
		expect(first?.data).toBe("");
		expect(rest.some((event) => event.data?.includes('"tools"'))).toBe(true);
	});

	it.each([["2025-06-18"], ["2025-03-26"]])("%s: no priming event, the first event is the response", async (version) => {
		const { token, sessionId } = await openSession(version);
		const response = await toolsList(token, sessionId, version);
		const [first] = events(await response.text());
		expect(first?.retry).toBeUndefined();
		expect(first?.data).toContain('"tools"');
	});

	it("a notification-only POST still gets 202 and no stream", async () => {
		const { token, sessionId } = await openSession("2025-11-25");
		const response = await call("/mcp", {
			method: "POST",
			headers: legacyHeaders(token, sessionId, "2025-11-25"),
			body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/roots/list_changed" }),
		});
		expect(response.status).toBe(202);
	});

	it("a reconnect with the priming event's id as Last-Event-ID is accepted, and the session keeps working", async () => {
		const { token, sessionId } = await openSession("2025-11-25");
		const response = await toolsList(token, sessionId, "2025-11-25");
		const primingId = events(await response.text())[0]?.id ?? "";
		const resumed = await call("/mcp", {
			headers: { ...legacyHeaders(token, sessionId, "2025-11-25"), Accept: "text/event-stream", "Last-Event-ID": primingId },
		});
		expect(resumed.status).toBe(200);
		expect(resumed.headers.get("Content-Type")).toContain("text/event-stream");
		await resumed.body?.cancel();
		const after = await toolsList(token, sessionId, "2025-11-25", 3);
		expect(after.status).toBe(200);
		expect((await readResponse(after, 3)).result).toHaveProperty("tools");
	});
});
