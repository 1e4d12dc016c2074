/** Reading the server's HTML forms the way a browser submits them: hidden inputs, entity-decoded. */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the HTML character references hono's escaping produces (named and numeric). */
export function decodeEntities(value: string): string {
	return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
		if (ref.startsWith("#x") || ref.startsWith("#X")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
		if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
		return ENTITIES[ref.toLowerCase()] ?? whole;
	});
}

/** `name` → `value` of every `<input type="hidden">` on a page. */
export function hiddenInputs(page: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const match of page.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
		const name = /name="([^"]*)"/.exec(match[0])?.[1];
		const value = /value="([^"]*)"/.exec(match[0])?.[1];
		if (name !== undefined && value !== undefined) fields[decodeEntities(name)] = decodeEntities(value);
	}
	return fields;
}

/** A page as a person reads it: styles and tags gone, character references decoded. */
export function visibleText(page: string): string {
	return decodeEntities(page.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<[^>]+>/g, ""));
}
