/**
 * 2026-07-28 `subscriptions/listen`: a stream the client holds open for change notifications. The
 * SDK caps open streams per isolate, for all users together (1,024); without a cap per user, one
 * signed-in user could hold every place and leave none for anyone else on that isolate. Each user
 * holds at most MAX_LISTEN_STREAMS_PER_USER at once per isolate; a place is free again as soon as
 * its stream ends, however it ends (the server completes it, the client goes away, an error).
 */
import { overLimit } from "../guard/responses";

/** Open listen streams one user may hold in one isolate (a client needs one). */
export const MAX_LISTEN_STREAMS_PER_USER = 8;
/** What a refused client is told to wait before trying again. */
const RETRY_AFTER_SECONDS = 30;

const openStreams = new Map<string, number>();

/** Serves a listen request for `userId` when the user has a place free; refuses it otherwise. */
export async function serveListen(userId: string, serve: () => Promise<Response>): Promise<Response> {
	const open = openStreams.get(userId) ?? 0;
	if (open >= MAX_LISTEN_STREAMS_PER_USER) {
		return overLimit(
			"MAX_LISTEN_STREAMS_PER_USER",
			`Too many open subscriptions/listen streams for this account (at most ${MAX_LISTEN_STREAMS_PER_USER}). Close one you no longer use.`,
			RETRY_AFTER_SECONDS,
		);
	}
	openStreams.set(userId, open + 1);
	let released = false;
	const release = () => {
		if (released) return;
		released = true;
		const left = (openStreams.get(userId) ?? 1) - 1;
		if (left > 0) openStreams.set(userId, left);
		else openStreams.delete(userId);
	};
	let response: Response;
	try {
		response = await serve();
	} catch (error) {
		release();
		throw error;
	}
	// A refusal (bad filter, the SDK's own cap) is a plain JSON answer: no stream is held.
	if (!response.body || !response.headers.get("Content-Type")?.startsWith("text/event-stream")) {
		release();
		return response;
	}
	return new Response(endingWith(response.body, release), {
		status: response.status,
		statusText: response.statusText,
		headers: response.headers,
	});
}

/** The same bytes; `onEnd` runs once when the stream finishes, fails or is cancelled by its reader. */
function endingWith(body: ReadableStream<Uint8Array>, onEnd: () => void): ReadableStream<Uint8Array> {
	const reader = body.getReader();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done, value } = await reader.read();
				if (done) {
					onEnd();
					controller.close();
				} else controller.enqueue(value);
			} catch (error) {
				onEnd();
				controller.error(error);
			}
		},
		cancel(reason) {
			onEnd();
			return reader.cancel(reason);
		},
	});
}
