/**
 * Build-time stand-in for `mimetext` (scripts/build/levers.mjs, lever `mimetext`). The agents package loads
 * mimetext (and its ~130 KiB MIME database) only to send e-mail replies, which this server never
 * does; the alias keeps it out of the bundle. Anything that does try to use it fails loudly.
 */
export function createMimeMessage(): never {
	throw new Error("E-mail replies are not available in this Worker (mimetext is stubbed out by scripts/build/levers.mjs).");
}
