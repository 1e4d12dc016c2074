/**
 * The GitHub REST client the tools use: Octokit's core (no retry or throttling plugins: a rate
 * limit is reported to the model at once, and a write is never sent twice), pointed at the
 * configured API URL, with four things wrapped around every request:
 *
 * - the caller's current GitHub token, and one retry with a refreshed token when GitHub answers
 *   401 to a token that can be refreshed (GitHub App user tokens expire after 8 hours);
 * - a timeout, so a slow GitHub ends the call with a clear error instead of hanging it;
 * - a path check: the URL that goes out must be the URL the route names, with every argument
 *   inside its own path segment (no `.`/`..` segment, encoded or not, can move the request to
 *   another endpoint);
 * - conditional requests from a response cache (If-None-Match / 304), when the lane has one;
 * - redirects (a transferred issue, a renamed repository): a write never follows one (fetch would
 *   send it again elsewhere, or turn it into a GET and report success), and a connection kept to
 *   public repositories follows a read's only after checking the repository it leads to.
 */
import { Octokit } from "@octokit/core";
import { RequestError } from "@octokit/request-error";
import { USER_AGENT } from "../server-info";
import { UpstreamError } from "../upstream/types";
import { isAccountName, isRepositoryName, isRepositoryPath } from "./names";

/** A store for GitHub GET responses, keyed by URL, for conditional requests. */
export interface ResponseCache {
	get(url: string): Promise<CachedResponse | null>;
	set(url: string, entry: CachedResponse): Promise<void>;
}
export interface CachedResponse {
	etag: string;
	body: string;
	link: string | null;
}

/** Where the token for each request comes from. */
export interface TokenSource {
	/** A valid token for the next request (refreshed first when it is about to expire). */
	current(): Promise<string>;
	/**
	 * GitHub answered 401 to `stale`. A fresher token to retry with once, or null when there is
	 * none: the grant's GitHub access is gone and the user must sign in again.
	 */
	renewAfterUnauthorized(stale: string): Promise<string | null>;
}

export interface GithubClientOptions {
	apiUrl: string;
	token: TokenSource;
	cache?: ResponseCache;
	/** Aborts every request (the tool call was cancelled). */
	signal?: AbortSignal;
	timeoutMs?: number;
	/**
	 * Keep requests to public repositories (default false): the connection was not granted
	 * private repositories (github:private), but its GitHub token can read them anyway. A GitHub
	 * App's user token reads every repository of the app's installations, and an OAuth App token
	 * keeps `repo` when the MCP token is narrowed at a refresh: GitHub cannot tell, so this client
	 * checks (see mustKeepToPublicRepositories in src/mcp/policy.ts).
	 */
	publicRepositoriesOnly?: boolean;
}

/** GitHub took too long: reads can be retried, a write may or may not have happened. */
export const GITHUB_TIMEOUT_MS = 15_000;

/** Bodies larger than this (UTF-8 bytes) are not cached (a file's contents, a long list). */
const MAX_CACHED_BODY = 256 * 1024;

/** Whether a body is small enough to cache, in UTF-8 bytes (encoded only when its length leaves it open). */
function fitsTheCache(body: string): boolean {
	return body.length * 3 <= MAX_CACHED_BODY || new TextEncoder().encode(body).byteLength <= MAX_CACHED_BODY;
}

/** A request whose URL would not be the one its route names. Never sent. */
export class UnsafeGithubPathError extends Error {
	override readonly name = "UnsafeGithubPathError";
}

/** GitHub refused the token and no fresher one exists: the grant has been ended. */
export class GithubAccessEndedError extends Error {
	override readonly name = "GithubAccessEndedError";
}

/** A request for a private repository (or for private ones: null) on a connection without github:private. */
export class PrivateRepositoryError extends Error {
	override readonly name = "PrivateRepositoryError";
	constructor(readonly repository: string | null) {
		super("the connection was not granted private repositories");
	}
}

/** GitHub answered, but its JSON body was cut off or unreadable: what it did is not known. */
export class IncompleteGithubAnswerError extends Error {
	override readonly name = "IncompleteGithubAnswerError";
}

/** GitHub answered a write with a redirect (the resource moved): nothing was sent to the new place. */
export class GithubRedirectError extends Error {
	override readonly name = "GithubRedirectError";
}

/** A search a public-only connection cannot send: its operators could undo `is:public`. */
export class UnsafeSearchQueryError extends Error {
	override readonly name = "UnsafeSearchQueryError";
}

/** How many redirects one read may follow. */
const MAX_REDIRECTS = 3;

/** The media types Octokit parses as JSON (application/json, application/*+json). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export function createGithubClient(options: GithubClientOptions): Octokit {
	const octokit = new Octokit({
		baseUrl: options.apiUrl,
		userAgent: USER_AGENT,
		// Octokit logs request failures through console by default; the tools report them instead.
		log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
	});
	const api = new URL(options.apiUrl);
	const apiPath = api.pathname.replace(/\/+$/, "");
	const timeoutMs = options.timeoutMs ?? GITHUB_TIMEOUT_MS;

	/** Each repository's visibility check (owner/name, lower-cased), asked once per client. */
	const privateRepositories = new Map<string, Promise<false>>();
	/** Answers that came from elsewhere (a redirect): not kept under the URL that was asked. */
	const notCached = new WeakSet<object>();

	octokit.hook.wrap("request", async (request, requestOptions) => {
		if (options.publicRepositoriesOnly) keepToPublicListings(requestOptions);
		const url = octokit.request.endpoint(requestOptions).url;
		assertSafeParameters(requestOptions);
		assertSafePath(url, apiPath);

		// fetch follows redirects by itself unless told not to: only a read on a connection that may
		// see every repository the token can lets it.
		const followsRedirects = requestOptions.method === "GET" && !options.publicRepositoriesOnly;
		const send = async (token: string) => {
			const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])]);
			const response = await request({
				...requestOptions,
				headers: { ...requestOptions.headers, authorization: `token ${token}` },
				request: { ...requestOptions.request, signal, ...(followsRedirects ? {} : { redirect: "manual" }) },
			});
			if (response.status >= 300 && response.status < 400) return redirected(response);
			// Octokit reads the body after the headers, and when that read fails (the timeout fires,
			// the connection breaks) or the JSON does not parse, it returns the text it got ("" or a
			// fragment) as the data of a successful response. No tool may read that as GitHub's
			// answer, and no cache may keep it: it is the failure it is.
			if (typeof response.data === "string" && JSON_MEDIA_TYPE.test(String(response.headers["content-type"] ?? ""))) {
				throw signal.aborted ? signal.reason : new IncompleteGithubAnswerError("GitHub's JSON answer could not be read");
			}
			return response;
		};
		const withAuth = async () => {
			const token = await options.token.current();
			try {
				return await send(token);
			} catch (error) {
				if (!(error instanceof RequestError) || error.status !== 401) throw error;
				// 401 is GitHub refusing the credentials before acting, so a retry (even of a
				// write) cannot do anything twice.
				const renewed = await options.token.renewAfterUnauthorized(token);
				if (renewed === null) throw new GithubAccessEndedError("GitHub refused the token and it cannot be renewed");
				return send(renewed);
			}
		};

		const repository = options.publicRepositoriesOnly ? repositoryOf(url, apiPath) : null;
		if (repository && !repository.itself) {
			// Before anything is sent to a repository (a write included): is it private? Asked with a
			// GET of the repository itself, through this client (which checks that answer below).
			let isPrivate = privateRepositories.get(repository.key);
			if (!isPrivate) {
				isPrivate = octokit.request(`GET ${repository.itselfPath}`).then(() => false);
				privateRepositories.set(repository.key, isPrivate);
			}
			await isPrivate;
		}
		const response = await conditional();
		if (repository?.itself && (response.data as { private?: unknown }).private !== false) {
			const fullName = (response.data as { full_name?: unknown }).full_name;
			throw new PrivateRepositoryError(typeof fullName === "string" ? fullName : repository.name);
		}
		return response;

		/**
		 * GitHub answered with a redirect, which fetch did not follow. A write is not sent again
		 * (GitHub did not do it here). A read of a public-only connection follows it as a request of
		 * its own through this client, so the repository it leads to is checked like any other.
		 */
		async function redirected(response: { status: number; headers: Record<string, string | number | undefined> }) {
			const location = response.headers.location;
			if (requestOptions.method !== "GET") throw new GithubRedirectError(`GitHub answered ${response.status}: the resource has moved`);
			const hops = Number((requestOptions.request as { redirectsFollowed?: number } | undefined)?.redirectsFollowed ?? 0);
			if (typeof location !== "string" || hops >= MAX_REDIRECTS)
				throw new GithubRedirectError(`GitHub answered ${response.status} without a usable place`);
			const target = new URL(location, url);
			if (target.origin !== api.origin) throw new UnsafeGithubPathError("GitHub redirected the request out of the API");
			const followed = await octokit.request(`GET ${target.href}`, {
				headers: { accept: requestOptions.headers.accept },
				request: { redirectsFollowed: hops + 1 },
			});
			notCached.add(followed);
			return followed;
		}

		async function conditional() {
			if (!options.cache || requestOptions.method !== "GET") return withAuth();
			// Conditional requests: GitHub answers 304 Not Modified to a matching If-None-Match, and a
			// 304 does not count against the user's rate limit.
			const cached = await options.cache.get(url);
			if (cached) requestOptions.headers = { ...requestOptions.headers, "if-none-match": cached.etag };
			try {
				const response = await withAuth();
				const etag = response.headers.etag;
				const body = JSON.stringify(response.data);
				if (etag && fitsTheCache(body) && !notCached.has(response))
					await options.cache.set(url, { etag, body, link: response.headers.link ?? null });
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
		}
	});
	return octokit;
}

/**
 * A connection kept to public repositories lists only public ones: GET /user/repos asks for
 * public repositories (an explicit "private" is refused), and issue search adds `is:public`.
 * Every other request the tools send names its repository (checked in the hook).
 */
function keepToPublicListings(requestOptions: { url?: string; visibility?: unknown; q?: unknown }): void {
	if (requestOptions.url === "/user/repos") {
		if (requestOptions.visibility === "private") throw new PrivateRepositoryError(null);
		requestOptions.visibility = "public";
	}
	if (requestOptions.url === "/search/issues" && typeof requestOptions.q === "string") {
		// GitHub's search reads AND, OR, NOT and parentheses as operators: `is:private OR x` would
		// leave `is:public` binding only to `x`. Such a query is not sent at all; the words are
		// refused in any case and wherever a word could end (how GitHub splits words is its own).
		if (/[()]/.test(requestOptions.q) || /\b(?:and|or|not)\b/i.test(requestOptions.q)) {
			throw new UnsafeSearchQueryError("a public-only search may not use AND, OR, NOT or parentheses");
		}
		requestOptions.q = `${requestOptions.q} is:public`;
	}
}

/**
 * The repository a REST URL is about, by name (`/repos/{owner}/{repo}…`) or by id
 * (`/repositories/{id}…`, where GitHub's redirects lead), the path of the repository itself, and
 * whether the URL is the repository itself.
 */
function repositoryOf(url: string, apiPath: string): { name: string; key: string; itselfPath: string; itself: boolean } | null {
	const path = new URL(url).pathname.slice(apiPath.length);
	const [, first, ...rest] = path.split("/");
	if (first === "repositories") {
		const [id, ...below] = rest;
		if (!id || !/^[1-9][0-9]{0,15}$/.test(id)) return null;
		return { name: `repository ${id}`, key: `#${id}`, itselfPath: `/repositories/${id}`, itself: below.length === 0 };
	}
	const [owner, repo, ...below] = rest;
	if (first !== "repos" || !owner || !repo) return null;
	const name = `${decodeURIComponent(owner)}/${decodeURIComponent(repo)}`;
	return { name, key: name.toLowerCase(), itselfPath: `/repos/${owner}/${repo}`, itself: below.length === 0 };
}

/**
 * The request must reach exactly the path its route expands to. `fetch` normalises dot segments
 * (WHATWG URL treats `%2e` as `.` too), so an argument of `..` would otherwise move a request for
 * /repos/{owner}/{repo}/issues to /issues, with the user's token.
 */
/**
 * Route parameters held to GitHub's naming rules by name, whatever tool supplied them: an account
 * is never more than one path segment (no `/`, encoded or not, no dot segment), a repository
 * likewise, a number is a positive integer, and a file path has no empty or dot parts. The path
 * check below then proves the URL that goes out is the route's.
 */
export function assertSafeParameters(options: Record<string, unknown>): void {
	for (const name of ["owner", "org", "username"]) {
		const value = options[name];
		if (value !== undefined && !(typeof value === "string" && isAccountName(value)))
			throw new UnsafeGithubPathError(`${name} is not a GitHub account name`);
	}
	const repo = options.repo;
	if (repo !== undefined && !(typeof repo === "string" && isRepositoryName(repo)))
		throw new UnsafeGithubPathError("repo is not a GitHub repository name");
	const path = options.path;
	if (path !== undefined && !(typeof path === "string" && isRepositoryPath(path)))
		throw new UnsafeGithubPathError("path is not a repository file path");
	for (const name of ["issue_number", "pull_number", "comment_id"]) {
		const value = options[name];
		if (value !== undefined && !(typeof value === "number" && Number.isSafeInteger(value) && value > 0)) {
			throw new UnsafeGithubPathError(`${name} is not a positive whole number`);
		}
	}
}

export function assertSafePath(url: string, apiPath: string): void {
	const raw = /^[a-z]+:\/\/[^/]+(\/[^?#]*)?/i.exec(url)?.[1] ?? "/";
	if (!raw.startsWith(`${apiPath}/`)) throw new UnsafeGithubPathError("the request left the API");
	for (const segment of raw.slice(apiPath.length + 1).split("/")) {
		let decoded: string;
		try {
			decoded = decodeURIComponent(segment);
		} catch {
			throw new UnsafeGithubPathError("a path segment is not valid percent-encoding");
		}
		// A file path travels as one segment with encoded slashes (contents/src%2Findex.ts): each of
		// its parts is held to the same rule.
		for (const part of decoded.split("/")) {
			if (part === "" || part === "." || part === ".." || /[\\\p{Cc}]/u.test(part)) {
				throw new UnsafeGithubPathError("a path segment is empty, a dot segment or contains a control character");
			}
		}
	}
	if (new URL(url).pathname !== raw) throw new UnsafeGithubPathError("the URL would be rewritten before it is sent");
}

export interface GithubErrorDescription {
	text: string;
	/** failed: nothing happened. unknown: a write may or may not have happened. refused: not allowed. */
	status: "failed" | "unknown" | "refused";
}

/**
 * A message the model can act on, for a failed GitHub call. Built from the status and GitHub's
 * rate-limit headers only: the request (which carries the token) is never echoed.
 */
export function describeGithubError(
	error: unknown,
	action: string,
	options: { write?: boolean; installationUrl?: string | null } = {},
): GithubErrorDescription {
	const write = options.write === true;
	if (error instanceof UnsafeGithubPathError) {
		return { status: "refused", text: `Could not ${action}: an argument is not a valid GitHub name or path. Nothing was sent to GitHub.` };
	}
	if (error instanceof UnsafeSearchQueryError) {
		return {
			status: "refused",
			text: `Could not ${action}: this connection was not granted private repositories (the github:private scope), so its searches are kept to public ones and may not use AND, OR, NOT or parentheses. Nothing was sent to GitHub. Search again without them.`,
		};
	}
	if (error instanceof GithubRedirectError) {
		return {
			status: "failed",
			text: `Could not ${action}: GitHub answered that it has moved (an issue transferred to another repository, or a repository renamed). Nothing was written. Look it up again where it is now.`,
		};
	}
	if (error instanceof PrivateRepositoryError) {
		const what = error.repository ? `${error.repository} is a private repository, and this connection` : "This connection";
		return {
			status: "refused",
			text: `Could not ${action}: ${what} was not granted private repositories (the github:private scope). Nothing was written. Reconnect and allow private repositories to use them.`,
		};
	}
	if (error instanceof UpstreamError) {
		// The token could not be renewed (GitHub's token endpoint is down or failed): the request
		// was never sent, so even a write certainly did not happen.
		return {
			status: "failed",
			text: `Could not ${action}: this connection's GitHub access could not be renewed because GitHub could not be reached. Nothing was sent to GitHub. Try again in a moment.`,
		};
	}
	if (error instanceof GithubAccessEndedError) {
		return {
			status: "failed",
			text: `Could not ${action}: GitHub no longer accepts this connection's sign-in (it expired or was revoked). Nothing was written. Reconnect this MCP server to sign in again.`,
		};
	}
	// No response: the network failed, the connection was reset, or the request timed out.
	if (!(error instanceof RequestError) || error.response === undefined) {
		// Octokit wraps a failed fetch in a RequestError (status 500, no response) and keeps the
		// fetch's own error, a TimeoutError when AbortSignal.timeout fired, as its cause.
		const timedOut = isTimeout(error) || (error instanceof Error && isTimeout(error.cause));
		const what = timedOut
			? "GitHub did not answer in time"
			: error instanceof IncompleteGithubAnswerError
				? "GitHub's answer was cut off"
				: "GitHub could not be reached";
		return write
			? {
					status: "unknown",
					text: `Could not confirm that the request to ${action} succeeded: ${what}. GitHub may or may not have done it. Check on GitHub before trying again; this server does not retry writes.`,
				}
			: { status: "failed", text: `Could not ${action}: ${what}. Try again in a moment.` };
	}
	const headers = error.response.headers;
	const reset = Number(headers["x-ratelimit-reset"]);
	const retryAfter = Number(headers["retry-after"]);
	switch (error.status) {
		case 401:
			return {
				status: "failed",
				text: `Could not ${action}: GitHub rejected the sign-in token (the app may have been revoked on GitHub). Reconnect this server to sign in again.`,
			};
		case 403:
		case 429:
			if (headers["x-ratelimit-remaining"] === "0" || error.status === 429) {
				const when =
					Number.isFinite(reset) && reset > 0
						? ` It resets at ${new Date(reset * 1000).toISOString()}.`
						: Number.isFinite(retryAfter) && retryAfter > 0
							? ` Try again in ${retryAfter} seconds.`
							: "";
				return { status: "failed", text: `Could not ${action}: the GitHub API rate limit for this account is exhausted.${when}` };
			}
			return {
				status: "failed",
				text: `Could not ${action}: GitHub refused access. The signed-in account or this app may lack permission (an organisation may restrict third-party apps).`,
			};
		case 404:
			return {
				status: "failed",
				text: `Could not ${action}: GitHub answered "not found". The resource does not exist or the signed-in account cannot see it.${
					options.installationUrl
						? ` If it exists, this server's GitHub App may not be installed on its account: install it or grant it the repository at ${options.installationUrl}`
						: ""
				}`,
			};
		case 410:
			return { status: "failed", text: `Could not ${action}: GitHub answered "gone" (the feature may be disabled for this repository).` };
		case 422:
			return { status: "failed", text: `Could not ${action}: GitHub rejected the request's parameters.` };
		default:
			if (error.status >= 500) {
				return write
					? {
							status: "unknown",
							text: `Could not confirm that the request to ${action} succeeded: GitHub had a problem (HTTP ${error.status}). GitHub may or may not have done it. Check on GitHub before trying again; this server does not retry writes.`,
						}
					: { status: "failed", text: `Could not ${action}: GitHub is having problems (HTTP ${error.status}). Try again in a moment.` };
			}
			return { status: "failed", text: `Could not ${action}: GitHub answered HTTP ${error.status}.` };
	}
}

/** The abort of a request that took too long (AbortSignal.timeout) or was cancelled. */
function isTimeout(error: unknown): boolean {
	return typeof error === "object" && error !== null && "name" in error && (error.name === "TimeoutError" || error.name === "AbortError");
}
