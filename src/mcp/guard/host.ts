/**
 * The Host a request names must be one this Worker serves (DNS rebinding defence). Otherwise a page
 * on attacker.example, whose name the attacker re-points at a server on the victim's machine or
 * network, reaches that server with a matching Origin and Host (both attacker.example), and an
 * Origin check that compares the two passes.
 *
 * Served hostnames: loopback (development), *.workers.dev (the deployment's default hostname, to
 * which only Cloudflare routes), and ALLOWED_HOSTS (custom domains; `*.example.com` for subdomains).
 */
import { isLoopbackHost } from "../../config";

export function isAllowedHost(hostname: string, allowedHosts: readonly string[]): boolean {
	const host = hostname.toLowerCase().replace(/\.$/, "");
	if (isLoopbackHost(host)) return true;
	if (host.endsWith(".workers.dev")) return true;
	return allowedHosts.some((allowed) =>
		allowed.startsWith("*.") ? host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1 : host === allowed,
	);
}

/** 421 Misdirected Request (RFC 9110 §15.5.20): this server does not serve that name. */
export function misdirectedHost(hostname: string): Response {
	return Response.json(
		{
			error: "misdirected_request",
			error_description: `This server does not answer for the host ${hostname.slice(0, 253)}. If it should, add the hostname to ALLOWED_HOSTS.`,
		},
		{ status: 421, headers: { "Cache-Control": "no-store" } },
	);
}
