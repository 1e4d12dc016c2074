/**
 * KV refuses a key longer than 512 bytes by throwing, and the OAuth library builds keys from what
 * a client sends (`client:<client_id>`, `token:<userId>:<grantId>:…` from a bearer token, a code
 * or a refresh token), so a long enough value made every such request an uncaught exception: a
 * 500 instead of the library's invalid_client / invalid_grant / invalid_token. A key that long was
 * never stored, so here reading it finds nothing, as for any other unknown value.
 */

/** Workers KV's key limit (https://developers.cloudflare.com/kv/platform/limits/). */
const MAX_KEY_BYTES = 512;

function storable(key: unknown): boolean {
	return typeof key !== "string" || new TextEncoder().encode(key).byteLength <= MAX_KEY_BYTES;
}

/** `kv`, with reads and deletes of keys too long to exist answered as for a missing key. */
export function boundedKv(kv: KVNamespace): KVNamespace {
	return new Proxy(kv, {
		get(target, property) {
			const value: unknown = Reflect.get(target, property, target);
			if (typeof value !== "function") return value;
			if (property === "get") {
				return (key: unknown, ...rest: unknown[]) => (storable(key) ? value.call(target, key, ...rest) : Promise.resolve(null));
			}
			if (property === "getWithMetadata") {
				return (key: unknown, ...rest: unknown[]) =>
					storable(key) ? value.call(target, key, ...rest) : Promise.resolve({ value: null, metadata: null, cacheStatus: null });
			}
			if (property === "delete") {
				return (key: unknown) => (storable(key) ? value.call(target, key) : Promise.resolve());
			}
			return value.bind(target);
		},
	});
}
