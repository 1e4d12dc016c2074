/**
 * The client's IP address as Cloudflare reports it (CF-Connecting-IP). Per-address limits (client
 * registration) would couple every test that registers a client through one address; a test
 * that is not about those limits sends each request from an address of its own.
 */
import type { Send } from "./oauth-flow";

/**
 * A random address in 2001:db8::/32, the range set aside for documentation (RFC 3849): never a
 * real client's. 64 random bits, because every test file of a project shares the per-address
 * registration limit: with the 17 bits of the IPv4 benchmarking range, another file's registration
 * could now and then take a share of a test's address.
 */
export function testAddress(): string {
	const groups = [...crypto.getRandomValues(new Uint16Array(4))].map((group) => group.toString(16));
	return `2001:db8:${groups.join(":")}::1`;
}

/** `send`, with every request coming from `address`, or each from a new address when none is given. */
export function fromAddress(send: Send, address?: string): Send {
	return (request) => {
		const headers = new Headers(request.headers);
		headers.set("CF-Connecting-IP", address ?? testAddress());
		return send(new Request(request, { headers }));
	};
}
