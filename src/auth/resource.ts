/**
 * Resource interop (RFC 8707). This server is one protected resource, its bare origin, which
 * covers both MCP endpoints, and every token's audience is that origin. Clients derive the
 * resource they ask for differently: the origin, the origin with a slash, or the MCP URL itself
 * (https://host/mcp, https://host/sse). The library compares resources exactly (one registered
 * resource per token), so those spellings are mapped to the origin before it sees the request:
 * a client asking for /mcp gets a token that works on /mcp and /sse, still bound to this server.
 * Anything else (another host, another port, another path) is passed through unchanged and stays
 * invalid_target.
 *
 * The MCP URL a user configured may carry this server's own view parameters
 * (`/mcp?toolsets=issues&readonly=1`, see src/mcp/guard/view.ts), and a client may send that URL
 * as written: those two parameters, and nothing else, are accepted on /mcp and /sse. Any other
 * query, a fragment or userinfo on this origin is refused: the library would map
 * `https://host/?x=1` to the bare origin (RFC 8707 §2.2 lets a resource name a URL that adds query
 * parameters), but one rule ("the origin, or an MCP endpoint's URL as the user wrote it") is easier
 * to audit. Such a value is replaced by REFUSED_RESOURCE, which the library refuses with
 * invalid_target like any other.
 */

/** Not a resource URI at all (no authority): the library answers invalid_target for it. */
const REFUSED_RESOURCE = "urn:invalid-resource";

/** The query parameters an MCP endpoint's URL may carry (the connection's view). */
const VIEW_PARAMETERS = new Set(["toolsets", "readonly"]);

/** The resource spellings that mean this server, for an origin. */
function aliasesOf(origin: string): Set<string> {
	return new Set([`${origin}/`, `${origin}/mcp`, `${origin}/mcp/`, `${origin}/sse`, `${origin}/sse/`]);
}

/** `value` as the canonical resource when it names this server in another spelling. */
export function canonicalResource(value: string, origin: string): string {
	if (!URL.canParse(value)) return value;
	const url = new URL(value);
	// Scheme and host compare case-insensitively; path and port exactly (the library's rule).
	if (url.origin !== origin) return value;
	if (value.includes("#") || url.username !== "" || url.password !== "") return REFUSED_RESOURCE;
	if (url.search !== "") {
		const endpoint = /^\/(mcp|sse)\/?$/.test(url.pathname);
		const onlyView = [...url.searchParams.keys()].every((name) => VIEW_PARAMETERS.has(name));
		if (!endpoint || !onlyView) return REFUSED_RESOURCE;
	}
	return aliasesOf(origin).has(`${url.origin}${url.pathname}`) ? origin : value;
}

/** GET /authorize: the `resource` query parameters mapped. */
export function withCanonicalAuthorizeResource(request: Request, origin: string): Request {
	const url = new URL(request.url);
	const values = url.searchParams.getAll("resource");
	if (values.length === 0) return request;
	const mapped = values.map((value) => canonicalResource(value, origin));
	if (mapped.every((value, index) => value === values[index])) return request;
	url.searchParams.delete("resource");
	for (const value of mapped) url.searchParams.append("resource", value);
	return new Request(url, request);
}

/** POST /token (form-encoded): the `resource` parameters mapped. */
export function withCanonicalTokenResource(request: Request, form: URLSearchParams, origin: string): Request | null {
	const values = form.getAll("resource");
	if (values.length === 0) return null;
	const mapped = values.map((value) => canonicalResource(value, origin));
	if (mapped.every((value, index) => value === values[index])) return null;
	form.delete("resource");
	for (const value of mapped) form.append("resource", value);
	const headers = new Headers(request.headers);
	headers.delete("content-length");
	return new Request(request.url, { method: "POST", headers, body: form.toString() });
}
