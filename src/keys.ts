/**
 * Keys derived from SESSION_SECRET, one per purpose (HKDF-SHA-256, RFC 5869, with the purpose as
 * `info`), so a value made for one use can never be replayed as another: an MCP session id's MAC is
 * not a valid cookie signature, and the key that encrypts stored GitHub tokens signs nothing.
 */
import { toHex } from "./encoding";

export type KeyPurpose =
	/** MACs binding an MCP session id to the grant that created it. */
	| "mcp-session/v1"
	/** The library's remembered-consent cookie. */
	| "consent-memory/v1"
	/** The connections page's browser session cookie. */
	| "browser-session/v1"
	/** AES-GCM encryption of upstream tokens kept by the grant's Durable Object. */
	| "token-vault/v1";

const cache = new Map<string, Promise<ArrayBuffer>>();

async function derive(secret: string, purpose: KeyPurpose): Promise<ArrayBuffer> {
	const cacheKey = `${purpose}\n${secret}`;
	let bits = cache.get(cacheKey);
	if (!bits) {
		bits = (async () => {
			const master = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveBits"]);
			return crypto.subtle.deriveBits(
				{
					name: "HKDF",
					hash: "SHA-256",
					salt: new TextEncoder().encode("remote-mcp-github-oauth"),
					info: new TextEncoder().encode(purpose),
				},
				master,
				256,
			);
		})();
		if (cache.size > 16) cache.clear();
		cache.set(cacheKey, bits);
	}
	return bits;
}

// The imported keys too: MCP session ids are checked on every request.
const keys = new Map<string, Promise<CryptoKey>>();

function imported(secret: string, purpose: KeyPurpose, kind: "HMAC" | "AES-GCM"): Promise<CryptoKey> {
	const cacheKey = `${kind}\n${purpose}\n${secret}`;
	let key = keys.get(cacheKey);
	if (!key) {
		key = derive(secret, purpose).then((bits) =>
			kind === "HMAC"
				? crypto.subtle.importKey("raw", bits, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"])
				: crypto.subtle.importKey("raw", bits, "AES-GCM", false, ["encrypt", "decrypt"]),
		);
		if (keys.size > 16) keys.clear();
		keys.set(cacheKey, key);
	}
	return key;
}

/** An HMAC-SHA-256 key for `purpose`. */
export function hmacKey(secret: string, purpose: KeyPurpose): Promise<CryptoKey> {
	return imported(secret, purpose, "HMAC");
}

/** An AES-256-GCM key for `purpose`. */
export function aesKey(secret: string, purpose: KeyPurpose): Promise<CryptoKey> {
	return imported(secret, purpose, "AES-GCM");
}

/** A derived secret as text, for library helpers that take a secret string (signed cookies). */
export async function derivedSecret(secret: string, purpose: KeyPurpose): Promise<string> {
	return toHex(await derive(secret, purpose));
}
