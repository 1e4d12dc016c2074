/** Reading a KV namespace in tests: to prove that a refused request stored (or issued) nothing. */

/** The part of a KV namespace binding these helpers use. */
export interface KeyLister {
	list(options: { prefix: string; cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
}

/** How many keys a namespace holds under a prefix. */
export async function countKeys(kv: KeyLister, prefix: string): Promise<number> {
	let count = 0;
	let cursor: string | undefined;
	do {
		const page = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
		count += page.keys.length;
		cursor = page.list_complete ? undefined : page.cursor;
	} while (cursor);
	return count;
}

/** Key counts for several prefixes at once, e.g. the OAuth library's `client:`, `grant:`, `token:`. */
export async function countKeysByPrefix<P extends string>(kv: KeyLister, prefixes: readonly P[]): Promise<Record<P, number>> {
	const counts = {} as Record<P, number>;
	for (const prefix of prefixes) counts[prefix] = await countKeys(kv, prefix);
	return counts;
}
