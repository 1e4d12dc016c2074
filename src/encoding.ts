/**
 * base64url (RFC 4648 §5, without padding) on top of hono's encoder, which is already in the
 * bundle. Decoding never throws: malformed input (wrong alphabet, impossible length) is null, so
 * a parser built on it can answer bad input with the same 4xx as an unknown value.
 */
import { decodeBase64Url, encodeBase64Url } from "hono/utils/encode";

export function base64UrlEncode(bytes: ArrayBuffer | Uint8Array): string {
	const buffer = bytes instanceof Uint8Array ? bytes.slice().buffer : bytes;
	return encodeBase64Url(buffer).replace(/=+$/, "");
}

export function base64UrlDecode(text: string): Uint8Array | null {
	// A length of 1 mod 4 cannot come from any byte string.
	if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
	try {
		return decodeBase64Url(text + "=".repeat((4 - (text.length % 4)) % 4));
	} catch {
		return null;
	}
}

/** UTF-8 text as base64url: for small JSON values carried in a header. */
export function base64UrlEncodeText(text: string): string {
	return base64UrlEncode(new TextEncoder().encode(text));
}

export function base64UrlDecodeText(encoded: string): string | null {
	const bytes = base64UrlDecode(encoded);
	if (!bytes) return null;
	try {
		return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		return null;
	}
}

/** Lowercase hex of bytes (ids, digests). */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
	return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
