/**
 * Text a client chose (its name, its home page) shown on our pages. Escaping (hono's `html`)
 * stops markup; this stops the other ways to make a page say something it does not:
 * - bidirectional and other format controls (U+202E RIGHT-TO-LEFT OVERRIDE, isolates, zero-width
 *   characters, tag characters) that reorder or hide what the user reads;
 * - control, private-use and line/paragraph separator characters;
 * - names of any length: bounded, so a name cannot push the real question off the page;
 * - Unicode look-alike hostnames: shown in ASCII (punycode), as browsers show suspicious ones.
 */

/** Categories removed: control (Cc), format incl. bidi (Cf), private use (Co), surrogates (Cs), separators (Zl, Zp). */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/gu;

/** The longest client name kept at registration, and shown. */
export const CLIENT_NAME_MAX = 80;

/** Characters that break lines or separate words: they become a space before the rest is removed. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/gu;

/** Cleaned, whitespace-collapsed and bounded (an ellipsis marks a cut), or "" for nothing left. */
export function cleanDisplayText(value: string, max = CLIENT_NAME_MAX): string {
	const cleaned = value.normalize("NFC").replace(BREAKS, " ").replace(INVISIBLE, "").replace(/\s+/gu, " ").trim();
	const characters = [...cleaned];
	if (characters.length <= max) return cleaned;
	return `${characters
		.slice(0, max - 1)
		.join("")
		.trimEnd()}…`;
}

/** A hostname as ASCII (IDNA/punycode), so look-alike Unicode names show what they really are. */
export function asciiHostname(host: string): string {
	const trimmed = host.trim();
	if (trimmed === "") return "";
	try {
		// WHATWG URL applies IDNA (UTS #46) to special schemes' hosts: "аpple.com" → "xn--pple-43d.com".
		return new URL(`http://${trimmed.replace(/[/?#@\\]/g, "")}`).host;
	} catch {
		return cleanDisplayText(trimmed, 253).replace(/[^\x20-\x7e]/g, "?");
	}
}
