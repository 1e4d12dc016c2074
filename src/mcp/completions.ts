/**
 * Argument completions (MCP `completion/complete`): the owner and repository arguments of the
 * triage prompt and the issue resource template complete from the caller's own GitHub account.
 * Completers get no request context from either SDK, so the lane runs each request inside
 * `withCompletionContext` and the completers read the caller from there (AsyncLocalStorage,
 * nodejs_compat). A completion never fails the request: no caller, or GitHub failing, is no
 * suggestions.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ToolContext } from "./define";

const current = new AsyncLocalStorage<ToolContext>();

/** Runs `run` with the context completers of this request read. */
export function withCompletionContext<T>(context: ToolContext, run: () => T): T {
	return current.run(context, run);
}

/** A completer as both SDKs call it: the typed value, and the other arguments given so far. */
export type Completer = (value: string, context?: { arguments?: Record<string, string> }) => Promise<string[]>;

/** Clients show a short list; MCP caps completion values at 100. */
const MAX_VALUES = 100;

function completer(suggest: (value: string, context: ToolContext, args: Record<string, string>) => Promise<string[]>): Completer {
	return async (value, request) => {
		const context = current.getStore();
		if (!context?.caller) return [];
		try {
			const prefix = value.toLowerCase();
			const values = await suggest(value, context, request?.arguments ?? {});
			return [...new Set(values)].filter((candidate) => candidate.toLowerCase().startsWith(prefix)).slice(0, MAX_VALUES);
		} catch {
			return [];
		}
	};
}

/** Accounts: the signed-in user and the organisations GitHub lists for them. */
export const completeOwner: Completer = completer(async (_value, context) => {
	const login = context.caller?.user.login ?? "";
	const { data } = await context.github().request("GET /user/orgs", { per_page: 100 });
	return [login, ...data.map((org) => org.login)];
});

/** Repositories the user can see, most recently pushed first; of the chosen owner when there is one. */
export const completeRepo: Completer = completer(async (_value, context, args) => {
	const { data } = await context.github().request("GET /user/repos", { sort: "pushed", per_page: 100 });
	const owner = args.owner?.toLowerCase();
	return data.filter((repo) => !owner || repo.owner.login.toLowerCase() === owner).map((repo) => repo.name);
});
