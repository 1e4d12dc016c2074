/** PKCE (RFC 7636, S256) as a client makes it. */
import { encodeBase64Url } from "hono/utils/encode";

export interface Pkce {
	verifier: string;
	challenge: string;
}

export async function createPkce(): Promise<Pkce> {
	const verifier = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)).buffer).replace(/=+$/, "");
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
	return { verifier, challenge: encodeBase64Url(digest).replace(/=+$/, "") };
}
