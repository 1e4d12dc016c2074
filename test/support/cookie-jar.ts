/**
 * A browser's cookie essentials for tests that walk the sign-in without a browser: Set-Cookie in,
 * Cookie out. A cookie is deleted the way browsers delete it: an empty value, `Max-Age` of zero or
 * less, or an `Expires` in the past.
 */
export class CookieJar {
	readonly #cookies = new Map<string, string>();

	/** Takes every Set-Cookie of a response. */
	store(response: Response): void {
		for (const line of response.headers.getSetCookie()) {
			const [pair = "", ...attributes] = line.split(";");
			const index = pair.indexOf("=");
			if (index <= 0) continue;
			const name = pair.slice(0, index).trim();
			const value = pair.slice(index + 1).trim();
			if (value === "" || attributes.some(isExpiry)) this.#cookies.delete(name);
			else this.#cookies.set(name, value);
		}
	}

	/** The Cookie header a browser would send, or "" when the jar is empty. */
	header(): string {
		return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
	}

	/** Adds the Cookie header to `headers` when the jar holds any cookie. */
	apply(headers: Headers): void {
		if (this.#cookies.size > 0) headers.set("Cookie", this.header());
	}

	has(name: string): boolean {
		return this.#cookies.has(name);
	}

	names(): string[] {
		return [...this.#cookies.keys()];
	}

	get size(): number {
		return this.#cookies.size;
	}
}

function isExpiry(attribute: string): boolean {
	const [key = "", value = ""] = attribute.split("=").map((part) => part.trim());
	if (/^max-age$/i.test(key)) return Number(value) <= 0;
	if (/^expires$/i.test(key)) return Date.parse(value) <= Date.now();
	return false;
}
