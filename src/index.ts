/**
 * Wiring only. The Worker is its own OAuth 2.1 authorization server (worker.ts, oauth.ts): /token,
 * /register and the .well-known metadata are the library's; /mcp and /sse need a valid bearer
 * token and reach the MCP lanes (mcp/guard); everything else (/authorize, /callback,
 * /connections, /) is the Hono app (auth/app.ts).
 */
import { handleRequest } from "./worker";

export { GitHubMcpAgent } from "./mcp/lanes/agent";
export { GrantStore } from "./state/grant-store";
export { UserStore } from "./state/user-store";

export default {
	fetch: handleRequest,
} satisfies ExportedHandler<Env>;
