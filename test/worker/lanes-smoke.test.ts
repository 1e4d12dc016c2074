import { describe, expect, it } from "vitest";
import { initializeBody, legacyHeaders, modernRequest, readResponse } from "../support/mcp-wire";
import { OAuthFlow } from "../support/oauth-flow";
import { workerSend } from "./worker-send";

const send = workerSend();
const flow = new OAuthFlow({ origin: "https://mcp.example.com", send });

describe("smoke", () => {
	it("serves both lanes", async () => {
		const { accessToken } = await flow.signIn();
		const init = await flow.request("/mcp", { method: "POST", headers: legacyHeaders(accessToken), body: initializeBody() });
		expect(init.status).toBe(200);
		const sessionId = init.headers.get("mcp-session-id");
		console.log("init", JSON.stringify(await readResponse(init)).slice(0, 300), sessionId);
		const list = await flow.request("/mcp", {
			method: "POST",
			headers: legacyHeaders(accessToken, sessionId ?? undefined),
			body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
		});
		console.log("legacy list", list.status, JSON.stringify(await readResponse(list, 2)).slice(0, 300));

		for (const [method, params] of [
			["server/discover", {}],
			["tools/list", {}],
			["tools/call", { name: "whoami", arguments: {} }],
			["tools/call", { name: "add", arguments: { a: 1, b: 2 } }],
			["tools/call", { name: "add_to_counter", arguments: { amount: 5 } }],
			["resources/read", { uri: "counter://session" }],
			["prompts/list", {}],
			["tools/call", { name: "get_repo", arguments: { owner: "octocat", repo: "repo-b-7" } }],
		] as const) {
			const request = modernRequest(method, params);
			const response = await flow.request("/mcp", {
				method: "POST",
				headers: { ...request.headers, Authorization: `Bearer ${accessToken}` },
				body: request.body,
			});
			console.log(method, response.status, response.headers.get("content-type"), (await response.text()).slice(0, 400));
		}
	});
});
