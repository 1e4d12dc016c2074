/**
 * PKCE (RFC 7636) for the sign-in at the identity provider, whichever it is: the verifier stays
 * server-side in the upstream transaction; the provider sees only its S256 challenge.
 */
import { base64UrlEncode } from "../encoding";

/** A high-entropy PKCE verifier (RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~]). */
export function createCodeVerifier(): string {
	return base64UrlEncode(crypto.getRandomValues(new Uint8Array(32)));
}

export async function codeChallengeS256(verifier: string): Promise<string> {
	return base64UrlEncode(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}
