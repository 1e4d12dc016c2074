/**
 * The client's IP address as Cloudflare reports it (CF-Connecting-IP). Per-address limits (client
 * registration) would couple every test that registers a client through one address; a test
 * that is not about those limits sends each request from an address of its own.
 */
import type { Send } from "./oauth-flow";

/** A random address in 198.18.0.0/15, the range set aside for benchmarking (RFC 2544). */
export function testAddress(): string {
	const [a = 0, b = 0, c = 0] = crypto.getRandomValues(new Uint8Array(3));
	return `198.${18 + (a % 2)}.${b}.${c}`;
}

/** `send`, with every request coming from `address`, or each from a new address when none is given. */
export function fromAddress(send: Send, address?: string): Send {
	return (request) => {
		const headers = new Headers(request.headers);
		headers.set("CF-Connecting-IP", address ?? testAddress());
		return send(new Request(request, { headers }));
	};
}
