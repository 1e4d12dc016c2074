/** Request bodies, read with a size limit before anything else looks at them. */

/** Larger bodies are refused before they are read (the MCP transports' own limit). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export const TOO_LARGE = Symbol("too large");

export async function readBody(request: Request, max = MAX_BODY_BYTES): Promise<string | null | typeof TOO_LARGE> {
	if (request.method !== "POST" || !request.body) return null;
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > max) return TOO_LARGE;
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > max) {
			await reader.cancel();
			return TOO_LARGE;
		}
		chunks.push(value);
	}
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return new TextDecoder().decode(bytes);
}
