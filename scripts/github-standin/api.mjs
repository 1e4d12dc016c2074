// @ts-check
/**
 * Everything a REST API call goes through around its route's handler, in GitHub's order: the
 * front end (the fault schedule: delay, reset, 5xx, rate limit), authentication (401 Bad
 * credentials for an unknown or expired token), the token's own fault, then the handler. Also
 * GitHub's response conventions (ETag and 304, rate-limit headers, Link pagination) and the
 * request and write logs tests read back. Handlers receive an ApiContext, built per request.
 */
import { createHash, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { SLOW_BODY_MS, scheduledFaultAnswer, tokenFaultAnswer } from "./faults.mjs";
import { DOCS } from "./seed.mjs";
import { isBodyFault } from "./tokens.mjs";

/** Where the REST API lives, as on GitHub Enterprise Server. */
export const API_PREFIX = "/api/v3";

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/**
 * @typedef {import("./http.mjs").RequestContext & {
 *   state: import("./index.mjs").StandInState,
 *   path: string,
 *   token: import("./tokens.mjs").TokenRecord,
 *   user: import("./seed.mjs").User,
 *   send: (status: number, body: unknown, headers?: Record<string, string>) => void,
 *   page: (items: unknown[], wrap?: (page: unknown[]) => unknown) => void,
 *   notFound: () => void,
 *   forbidden: () => void,
 *   invalid: (errors?: unknown[]) => void,
 * }} ApiContext
 */

/** @param {string} value */
export const sha = (value) => createHash("sha1").update(value).digest("hex");

/**
 * A route handler for the REST API: wraps `handler` in the pipeline above.
 * @param {import("./index.mjs").StandInState} state
 * @param {(api: ApiContext) => void | Promise<void>} handler
 * @returns {import("./http.mjs").Handler}
 */
export function apiRoute(state, handler) {
	return async (ctx) => {
		const { store, tokens, faults } = state;
		const { req, res, url } = ctx;
		const method = req.method ?? "GET";
		const path = url.pathname.slice(API_PREFIX.length) || "/";
		const credential = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
		if (credential) store.presentedTokens.push(credential);
		const ifNoneMatch = typeof req.headers["if-none-match"] === "string" ? req.headers["if-none-match"] : undefined;
		const logged = { method, path: `${path}${url.search}`, conditional: ifNoneMatch !== undefined, token: credential };
		/** @type {import("./store.mjs").WriteLogEntry | undefined} */
		let write;
		if (WRITE_METHODS.has(method)) {
			const [, owner, name] = /^\/repos\/([^/]+)\/([^/]+)/.exec(path) ?? [];
			write = {
				at: new Date().toISOString(),
				method,
				path,
				repo: owner && name ? `${owner}/${name}` : null,
				status: 0,
				fault: null,
				token: credential,
			};
			store.writeLog.push(write);
		}

		/**
		 * @param {number} status @param {unknown} body
		 * @param {import("./tokens.mjs").TokenRecord | undefined} token @param {Record<string, string>} [extra]
		 */
		const respond = (status, body, token, extra = {}) => {
			const json = JSON.stringify(body);
			// Like GitHub: GET responses carry an ETag, and a matching If-None-Match gets 304 with no
			// body (which GitHub does not count against the rate limit).
			const etag = method === "GET" && status === 200 ? `W/"${sha(json)}"` : undefined;
			const notModified = etag !== undefined && ifNoneMatch === etag;
			const finalStatus = notModified ? 304 : status;
			store.requestLog.push({ ...logged, status: finalStatus });
			if (write) write.status = finalStatus;
			const head = {
				"Content-Type": "application/json; charset=utf-8",
				// GitHub App tokens have permissions, not scopes: GitHub sends no X-OAuth-Scopes for them.
				...(token?.kind === "app" ? {} : { "X-OAuth-Scopes": token ? token.scopes.join(", ") : "" }),
				"X-RateLimit-Limit": "5000",
				"X-RateLimit-Remaining": "4999",
				"X-RateLimit-Reset": String(Math.floor(Date.now() / 1000) + 3600),
				"X-GitHub-Request-Id": randomBytes(8).toString("hex").toUpperCase(),
				...(etag ? { ETag: etag } : {}),
				...extra,
			};
			if (!notModified && token?.fault && isBodyFault(token.fault)) {
				// The headers now; the body late, or half of it and then no connection.
				res.writeHead(finalStatus, { ...head, "Content-Length": String(Buffer.byteLength(json)) });
				res.flushHeaders();
				if (token.fault === "slow_body") setTimeout(() => res.end(json), SLOW_BODY_MS);
				else res.write(json.slice(0, Math.floor(json.length / 2)), () => res.socket?.resetAndDestroy());
				return;
			}
			res.writeHead(finalStatus, head);
			res.end(notModified ? undefined : json);
		};
		/** A call that gets no response at all. @param {string} fault */
		const drop = (fault) => {
			store.requestLog.push({ ...logged, status: 0, fault });
			if (write) write.fault = fault;
		};

		// The front end: the schedule applies before authentication, as GitHub's load balancers do.
		const presented = tokens.peek(credential);
		const { delayMs, fault } = faults.draw(presented?.login);
		if (delayMs > 0) await sleep(delayMs);
		if (fault?.kind === "reset") {
			drop("reset");
			res.socket?.resetAndDestroy();
			return;
		}
		if (fault) {
			if (write) write.fault = fault.kind;
			const answer = scheduledFaultAnswer(fault, store.findUser(presented?.login)?.id ?? 0, faults.retryAfterSeconds(presented?.login));
			return respond(answer.status, answer.body, presented, answer.headers);
		}

		const token = tokens.lookup(credential);
		if (!token) return respond(401, { message: "Bad credentials", documentation_url: DOCS, status: "401" }, undefined);
		const user = store.findUser(token.login);
		if (token.fault && isBodyFault(token.fault)) {
			// The handler answers; respond() spoils the answer's body.
			if (write) write.fault = token.fault;
		} else if (token.fault) {
			if (write) write.fault = token.fault;
			const answer = tokenFaultAnswer(token.fault, user?.id ?? 0);
			if (answer === "hang") return drop("hang");
			return respond(answer.status, answer.body, answer.status === 401 ? undefined : token, answer.headers);
		}

		/** @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
		const send = (status, body, headers) => respond(status, body, token, headers);
		const notFound = () => send(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
		if (!user) return notFound();
		await handler({
			...ctx,
			state,
			path,
			token,
			user,
			send,
			notFound,
			forbidden: () => send(403, { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" }),
			invalid: (errors) =>
				send(422, { message: "Validation Failed", ...(errors ? { errors } : {}), documentation_url: DOCS, status: "422" }),
			page: (items, wrap) => sendPage(url, store.baseUrl, send, items, wrap),
		});
	};
}

/**
 * A page of `items` with GitHub's Link header, or a 422 for bad paging parameters.
 * @param {URL} url @param {string} baseUrl
 * @param {(status: number, body: unknown, headers?: Record<string, string>) => void} send
 * @param {unknown[]} items @param {(page: unknown[]) => unknown} [wrap]
 */
function sendPage(url, baseUrl, send, items, wrap = (page) => page) {
	const perPage = Number(url.searchParams.get("per_page") ?? 30);
	const pageNumber = Number(url.searchParams.get("page") ?? 1);
	if (!Number.isInteger(perPage) || perPage < 1 || !Number.isInteger(pageNumber) || pageNumber < 1) {
		return send(422, { message: "Validation Failed", documentation_url: DOCS, status: "422" });
	}
	const size = Math.min(perPage, 100);
	const lastPage = Math.max(1, Math.ceil(items.length / size));
	/** @param {number} n */
	const link = (n) => {
		const target = new URL(url.toString());
		target.searchParams.set("page", String(n));
		target.searchParams.set("per_page", String(size));
		return `<${baseUrl}${target.pathname}${target.search}>`;
	};
	const links = [];
	if (pageNumber > 1) links.push(`${link(pageNumber - 1)}; rel="prev"`);
	if (pageNumber < lastPage) links.push(`${link(pageNumber + 1)}; rel="next"`, `${link(lastPage)}; rel="last"`);
	if (pageNumber > 1) links.push(`${link(1)}; rel="first"`);
	send(200, wrap(items.slice((pageNumber - 1) * size, pageNumber * size)), links.length ? { Link: links.join(", ") } : {});
}
