/**
 * The GitHub REST client the tools use: Octokit's core (no retry or throttling plugins, so a
 * rate limit is reported to the model at once instead of stalling a tool call), pointed at the
 * configured API URL and authenticated with the signed-in user's token.
 */
import { Octokit } from "@octokit/core";
import { RequestError } from "@octokit/request-error";
import type { ApiConfig } from "../config";

const USER_AGENT = "remote-mcp-github-oauth";

/** A store for GitHub GET responses, keyed by URL, used for conditional requests. */
export interface ResponseCache {
	get(url: string): { etag: string; body: string; link: string | null } | null;
	set(url: string, entry: { etag: string; body: string; link: string | null }): void;
}

/** Bodies larger than this are not cached (a file's contents, a long list). */
const MAX_CACHED_BODY = 256 * 1024;

export function createGithubClient(api: ApiConfig, accessToken: string, cache?: ResponseCache): Octokit {
	const octokit = new Octokit({
		auth: accessToken,
		baseUrl: api.GITHUB_API_URL,
		userAgent: USER_AGENT,
		request: { timeout: 15_000 },
		// Octokit logs request failures through console by default; the tools report them instead.
		log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
	});
	if (cache) {
		// Conditional requests: GitHub answers 304 Not Modified to a matching If-None-Match, and a
		// 304 does not count against the user's rate limit.
		// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
		octokit.hook.wrap("request", async (request, options) => {
			if (options.method !== "GET") return request(options);
			const url = octokit.request.endpoint(options).url;
			const cached = cache.get(url);
			if (cached) options.headers = { ...options.headers, "if-none-match": cached.etag };
			try {
				const response = await request(options);
				const etag = response.headers.etag;
				const body = JSON.stringify(response.data);
				if (etag && body.length <= MAX_CACHED_BODY) cache.set(url, { etag, body, link: response.headers.link ?? null });
				return response;
			} catch (error) {
				if (cached && error instanceof RequestError && error.status === 304) {
					return {
						status: 200,
						url,
						data: JSON.parse(cached.body),
						headers: { etag: cached.etag, ...(cached.link ? { link: cached.link } : {}) },
					};
				}
				throw error;
			}
		});
	}
	return octokit;
}

/**
 * A message the model can act on, for a failed GitHub call. Built from the status and GitHub's
 * rate-limit headers only: the request (which carries the token) is never echoed.
 */
export function describeGithubError(error: unknown, action: string): string {
	if (!(error instanceof RequestError)) {
		return `Could not ${action}: GitHub could not be reached. Try again in a moment.`;
	}
	const headers = error.response?.headers ?? {};
	const remaining = headers["x-ratelimit-remaining"];
	const reset = Number(headers["x-ratelimit-reset"]);
	switch (error.status) {
		case 401:
			return `Could not ${action}: GitHub rejected the sign-in token (the app may have been revoked on GitHub). Reconnect this server to sign in again.`;
		case 403:
		case 429:
			if (remaining === "0" || error.status === 429) {
				const when = Number.isFinite(reset) && reset > 0 ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : "";
				return `Could not ${action}: the GitHub API rate limit for this account is exhausted.${when}`;
			}
			return `Could not ${action}: GitHub refused access. The signed-in account or this app may lack permission (an organisation may restrict OAuth Apps).`;
		case 404:
			return `Could not ${action}: GitHub answered "not found". The resource does not exist or the signed-in account cannot see it.`;
		case 422:
			return `Could not ${action}: GitHub rejected the request's parameters.`;
		default:
			return error.status >= 500
				? `Could not ${action}: GitHub is having problems (HTTP ${error.status}). Try again in a moment.`
				: `Could not ${action}: GitHub answered HTTP ${error.status}.`;
	}
}
