/**
 * Hostnames a request may name, and whether a Worker with a given ALLOWED_HOSTS serves it: the
 * DNS rebinding table both Workers (main and authless) are tested with. A Worker answers
 * loopback, *.workers.dev and its ALLOWED_HOSTS (exact names, or `*.example.com` for subdomains);
 * every other Host gets 421, whatever the Origin says.
 */

export interface HostCase {
	what: string;
	/** The origin requested (its host is what the Host header carried). */
	origin: string;
	/** The Worker's ALLOWED_HOSTS setting for this case. */
	allowedHosts: string;
	allowed: boolean;
}

const CUSTOM = "mcp.example.com, *.tenant.example.org";

export const HOST_CASES: HostCase[] = [
	// Served.
	{ what: "a listed custom domain", origin: "https://mcp.example.com", allowedHosts: CUSTOM, allowed: true },
	{ what: "a listed custom domain in capitals", origin: "https://MCP.Example.COM", allowedHosts: CUSTOM, allowed: true },
	{ what: "a listed custom domain with a trailing dot", origin: "https://mcp.example.com.", allowedHosts: CUSTOM, allowed: true },
	{ what: "a listed custom domain on another port", origin: "https://mcp.example.com:8443", allowedHosts: CUSTOM, allowed: true },
	{ what: "a listed custom domain, listed in capitals", origin: "https://mcp.example.com", allowedHosts: "MCP.EXAMPLE.COM", allowed: true },
	{ what: "a subdomain under a wildcard entry", origin: "https://a.tenant.example.org", allowedHosts: CUSTOM, allowed: true },
	{ what: "a deeper subdomain under a wildcard entry", origin: "https://a.b.tenant.example.org", allowedHosts: CUSTOM, allowed: true },
	{ what: "an IDN listed in punycode", origin: "https://exämple.com", allowedHosts: "xn--exmple-cua.com", allowed: true },
	{ what: "a workers.dev subdomain", origin: "https://my-worker.my-account.workers.dev", allowedHosts: "", allowed: true },
	{ what: "a workers.dev subdomain in capitals", origin: "https://MY-WORKER.MY-ACCOUNT.WORKERS.DEV", allowedHosts: "", allowed: true },
	{ what: "localhost", origin: "http://localhost:8788", allowedHosts: "", allowed: true },
	{ what: "a subdomain of localhost", origin: "https://mcp.localhost:8788", allowedHosts: "", allowed: true },
	{ what: "127.0.0.1", origin: "http://127.0.0.1:8788", allowedHosts: "", allowed: true },
	{ what: "another address in 127/8", origin: "http://127.8.9.10:8788", allowedHosts: "", allowed: true },
	{ what: "[::1]", origin: "http://[::1]:8788", allowedHosts: "", allowed: true },
	{ what: "127.0.0.1 written as one decimal number", origin: "http://2130706433:8788", allowedHosts: "", allowed: true },
	{ what: "127.0.0.1 written in hex", origin: "http://0x7f.1:8788", allowedHosts: "", allowed: true },
	// Refused: names that are not this Worker's.
	{ what: "an attacker's name (the rebinding case)", origin: "https://attacker.example", allowedHosts: CUSTOM, allowed: false },
	{ what: "a custom domain with ALLOWED_HOSTS empty", origin: "https://mcp.example.com", allowedHosts: "", allowed: false },
	{ what: "a subdomain of an exact entry", origin: "https://a.mcp.example.com", allowedHosts: CUSTOM, allowed: false },
	{ what: "an exact entry as a prefix", origin: "https://mcp.example.com.evil.com", allowedHosts: CUSTOM, allowed: false },
	{ what: "an exact entry as a suffix", origin: "https://xmcp.example.com", allowedHosts: CUSTOM, allowed: false },
	{ what: "the apex of a wildcard entry", origin: "https://tenant.example.org", allowedHosts: CUSTOM, allowed: false },
	{ what: "a wildcard entry's name as a suffix", origin: "https://eviltenant.example.org", allowedHosts: CUSTOM, allowed: false },
	{ what: "a wildcard entry's name with a hyphen", origin: "https://evil-example.com", allowedHosts: "*.example.com", allowed: false },
	{ what: "a wildcard entry's name as a prefix", origin: "https://example.com.evil.com", allowedHosts: "*.example.com", allowed: false },
	{ what: "a wildcard subdomain as a prefix", origin: "https://a.example.com.evil.com", allowedHosts: "*.example.com", allowed: false },
	{ what: "the apex of workers.dev", origin: "https://workers.dev", allowedHosts: "", allowed: false },
	{ what: "workers.dev with a hyphen", origin: "https://evil-workers.dev", allowedHosts: "", allowed: false },
	{ what: "workers.dev as a prefix", origin: "https://x.workers.dev.evil.com", allowedHosts: "", allowed: false },
	{ what: "localhost as a prefix", origin: "http://localhost.evil.com", allowedHosts: "", allowed: false },
	{ what: "localhost as a suffix", origin: "http://evillocalhost", allowedHosts: "", allowed: false },
	{ what: "127.0.0.1 inside a wildcard DNS name", origin: "http://127.0.0.1.nip.io", allowedHosts: "", allowed: false },
	{ what: "a private IPv4 address", origin: "http://192.168.1.10", allowedHosts: "", allowed: false },
	{ what: "10.0.0.1", origin: "http://10.0.0.1", allowedHosts: "", allowed: false },
	{ what: "0.0.0.0", origin: "http://0.0.0.0:8788", allowedHosts: "", allowed: false },
	{ what: "the IPv6 unspecified address", origin: "http://[::]:8788", allowedHosts: "", allowed: false },
	{ what: "an IPv4-mapped IPv6 loopback (not listed)", origin: "http://[::ffff:127.0.0.1]:8788", allowedHosts: "", allowed: false },
	{ what: "a public IPv6 address", origin: "http://[2001:db8::1]", allowedHosts: "", allowed: false },
	{ what: "a look-alike IDN of a listed name (Cyrillic а)", origin: "https://mcp.exаmple.com", allowedHosts: CUSTOM, allowed: false },
	{ what: "an IDN not listed", origin: "https://exämple.com", allowedHosts: "example.com", allowed: false },
];
