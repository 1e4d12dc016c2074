/**
 * One error type for the browser-facing routes, keeping the message a person sees apart from the
 * detail an operator logs, and the page that shows it. Unknown errors never reach the page: they
 * become a generic message and a log line without the error's text.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { renderPage, setPageSecurityHeaders } from "./layout";

export class AppError extends Error {
	override readonly name = "AppError";
	constructor(
		readonly status: ContentfulStatusCode,
		/** Shown to the person in the browser. */
		readonly publicMessage: string,
		/** Logged for the operator; never contains secrets, tokens or codes. */
		readonly internal: string = publicMessage,
		/** A heading for the page. */
		readonly title = "Sign-in could not be completed",
		/** Where the person goes next: back to their MCP client, or to the connected apps page. */
		readonly next: "client" | "connections" = "client",
	) {
		super(internal);
	}
}

export async function renderErrorPage(c: Context, error: AppError): Promise<Response> {
	c.header("Cache-Control", "no-store");
	await setPageSecurityHeaders(c);
	return c.html(
		renderPage(
			error.title,
			html`<div class="card" role="alert">
				<h1>${error.title}</h1>
				<p>${error.publicMessage}</p>
				<p class="muted">
					Error ${error.status}.
					${
						error.next === "connections"
							? html`Go back to <a href="/connections">Connected apps</a>.`
							: error.status === 404
								? html`Check the address, or see <a href="/">how to connect to this server</a>.`
								: "You can close this window and start again from your MCP client."
					}
				</p>
			</div>`,
		),
		error.status,
	);
}
