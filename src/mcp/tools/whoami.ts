/** `whoami`: who the caller is signed in as, straight from the grant (no network). */
import { z } from "zod";
import { defineTool } from "../define";
import { errorResult, NOT_SIGNED_IN, structuredResult } from "../results";

export default defineTool({
	name: "whoami",
	scope: "github:read",
	toolset: "account",
	title: "Who am I on GitHub",
	description:
		"Returns the GitHub account this MCP connection is signed in as: id, login, display name, email (when GitHub shared one), the MCP scopes this connection was granted (github:read, github:private, github:write) and the GitHub scopes behind them. Use it to know whose repositories and issues the other tools act on. Makes no GitHub request.",
	input: {},
	output: {
		id: z.string().describe("GitHub's numeric user id (as a string)."),
		login: z.string(),
		name: z.string().nullable(),
		email: z.string().nullable(),
		scopes: z.array(z.string()).describe("MCP scopes of this connection."),
		github_scopes: z.array(z.string()).describe("GitHub OAuth scopes of the user's GitHub token (empty for a GitHub App)."),
	},
	annotations: { readOnlyHint: true, openWorldHint: false },
	example: {},
	handler: async (_args, context) => {
		const caller = context.caller;
		if (!caller) return errorResult(NOT_SIGNED_IN);
		// Never the access token: it stays server-side for the GitHub calls only.
		const identity = {
			id: caller.user.id,
			login: caller.user.login,
			name: caller.user.name,
			email: caller.user.email,
			scopes: caller.scopes,
			github_scopes: caller.upstream.scopes,
		};
		return structuredResult(JSON.stringify(identity, null, 2), identity);
	},
});
