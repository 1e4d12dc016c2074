/**
 * Dynamic client registration (RFC 7591) before the library stores it: a limit per client IP
 * address (REGISTRATION_RATE_LIMITER), so anonymous registrations cannot fill the store, and the
 * client's name cleaned of control and bidirectional characters and bounded (display-text.ts), so
 * what is stored is what the consent page can show safely, and its redirect URIs held to this
 * server's rule (redirect-uris.ts). Everything else is the library's.
 */
import { readBody, TOO_LARGE } from "../mcp/guard/body";
import { CLIENT_NAME_MAX, cleanDisplayText } from "./display-text";
import { checkRedirectUri, REDIRECT_RULE } from "./redirect-uris";

/** Registration metadata is small; the library's own limit is lower still. */
const MAX_REGISTRATION_BYTES = 64 * 1024;

/** The limit's period (wrangler.jsonc, REGISTRATION_RATE_LIMITER). */
const PERIOD_SECONDS = 60;

/**
 * Whose registrations count together: an IPv4 address, or an IPv6 address's /64 (one subscriber
 * commonly holds a whole /64, so counting single IPv6 addresses would give one client 2^64 limits).
 */
export function registrationLimitKey(address: string | null): string {
	if (address === null) return "register:unknown";
	if (!address.includes(":")) return `register:${address}`;
	let host: string;
	try {
		// The URL parser validates the address and writes it canonically (lower case, hex groups).
		host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
	} catch {
		return `register:${address.slice(0, 64)}`;
	}
	const [head = "", tail] = host.split("::");
	const before = head ? head.split(":") : [];
	const after = tail ? tail.split(":") : [];
	const groups = tail === undefined ? before : [...before, ...Array<string>(8 - before.length - after.length).fill("0"), ...after];
	return `register:${groups.slice(0, 4).join(":")}::/64`;
}

export async function prepareRegistration(request: Request, env: Env): Promise<Request | Response> {
	const key = registrationLimitKey(request.headers.get("CF-Connecting-IP"));
	const { success } = await env.REGISTRATION_RATE_LIMITER.limit({ key });
	if (!success) {
		return Response.json(
			{ error: "temporarily_unavailable", error_description: "Too many client registrations from this address. Try again in a minute." },
			{ status: 429, headers: { "Retry-After": String(PERIOD_SECONDS), "Cache-Control": "no-store" } },
		);
	}
	const text = await readBody(request, MAX_REGISTRATION_BYTES);
	// Too large: refused without reading the rest, in the library's words for its own limit.
	if (text === TOO_LARGE) {
		return Response.json(
			{ error: "invalid_request", error_description: `Request payload too large, must be under ${MAX_REGISTRATION_BYTES / 1024} KiB` },
			{ status: 413, headers: { "Cache-Control": "no-store" } },
		);
	}
	if (text === null) return request;
	let metadata: unknown;
	try {
		metadata = JSON.parse(text);
	} catch {
		metadata = undefined;
	}
	// Malformed or oversized bodies are the library's to refuse; only a well-formed name is cleaned.
	let body = text;
	if (typeof metadata === "object" && metadata !== null && !Array.isArray(metadata)) {
		const refused = refusedRedirectUri((metadata as { redirect_uris?: unknown }).redirect_uris);
		if (refused) return refused;
		if ("client_name" in metadata) {
			const name = (metadata as { client_name: unknown }).client_name;
			if (typeof name === "string") {
				const cleaned = cleanDisplayText(name, CLIENT_NAME_MAX);
				body = JSON.stringify({ ...metadata, ...(cleaned ? { client_name: cleaned } : { client_name: undefined }) });
			}
		}
	}
	const headers = new Headers(request.headers);
	headers.delete("content-length");
	return new Request(request.url, { method: "POST", headers, body });
}

/**
 * RFC 7591 §3.2.2 `invalid_redirect_uri` for the first listed URI this server would never send a
 * code to. The whole registration is refused, not just that URI: a client that lists one it cannot
 * use learns it now, not at its first sign-in.
 */
function refusedRedirectUri(value: unknown): Response | null {
	if (!Array.isArray(value)) return null; // missing or malformed: the library's error
	for (const [index, uri] of value.entries()) {
		if (typeof uri !== "string") return null;
		const check = checkRedirectUri(uri);
		if (!check.ok) {
			return Response.json(
				{ error: "invalid_redirect_uri", error_description: `redirect_uris[${index}] ${check.reason}. ${REDIRECT_RULE}` },
				{ status: 400, headers: { "Cache-Control": "no-store" } },
			);
		}
	}
	return null;
}
