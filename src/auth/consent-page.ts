/**
 * The consent page: who is asking (the client's self-asserted name, or its verified domain),
 * where access will be sent (the redirect URI's host, with a warning for an app on this
 * computer), and what it will be able to do. Every value from the client is escaped by hono's
 * `html` template; links are rendered only for http(s) URLs.
 *
 * MCP security best practices (confused deputy): consent per client before the redirect to
 * GitHub, on a page that cannot be framed or forged; beginConsent() supplies the binding.
 */
import type { ConsentDescription } from "@cloudflare/workers-oauth-provider";
import { html } from "hono/html";
import { ALL_MCP_SCOPES, BASE_SCOPE, MCP_SCOPES } from "../scopes";
import { SERVER_NAME } from "../server-info";
import { renderPage } from "./layout";

function safeHttpUrl(value: string | undefined): string | null {
	if (!value || !URL.canParse(value)) return null;
	const url = new URL(value);
	return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
}

export function renderConsentPage(details: ConsentDescription, handle: string) {
	const clientUrl = safeHttpUrl(details.clientUri);
	const who = details.clientDomain
		? html`<p>Published by <strong>${details.clientDomain}</strong>.</p>`
		: html`<p class="muted">This app registered itself with this server. Its name is not verified${
				clientUrl ? html`; it says its home page is <a href="${clientUrl}" rel="noopener noreferrer nofollow">${clientUrl}</a>` : ""
			}.</p>`;
	const local = details.redirectIsLoopback
		? html`<p class="warning"><strong>Access will be sent to an app on your computer.</strong> Continue only if you just started connecting from it.</p>`
		: "";
	// The base scope is always granted; the others are ticked when the client asked for them,
	// and the user can change that. Unticked boxes are simply not posted.
	const requested = new Set(details.scope);
	const scopes = ALL_MCP_SCOPES.map((scope) =>
		scope === BASE_SCOPE
			? html`<li><label><input type="checkbox" checked disabled /> <span>${MCP_SCOPES[scope].label} <span class="muted">(always included; <code>${scope}</code>)</span></span></label></li>`
			: html`<li><label><input type="checkbox" name="scope" value="${scope}" ${requested.has(scope) ? "checked" : ""} /> <span>${MCP_SCOPES[scope].label} <span class="muted">(<code>${scope}</code>)</span></span></label></li>`,
	);

	return renderPage(
		`Authorize ${details.clientName}`,
		html`<div class="card">
			<h1>Allow <strong>${details.clientName}</strong> to use ${SERVER_NAME} as you?</h1>
			${who}
			<p>Access will be sent to <strong><code>${details.redirectHost}</code></strong>.</p>
			${local}
			<form method="post" action="/authorize">
				<fieldset>
					<legend>If you allow it, you will sign in with GitHub, and <strong>${details.clientName}</strong> will be able to:</legend>
					<ul class="scopes">
						${scopes}
					</ul>
				</fieldset>
				<input type="hidden" name="handle" value="${handle}" />
				<div class="actions">
					<button class="primary" type="submit" name="action" value="approve">Allow and sign in with GitHub</button>
					<button class="secondary" type="submit" name="action" value="deny">Deny</button>
				</div>
			</form>
			<p class="muted">You can revoke access later in your GitHub settings under Applications.</p>
		</div>`,
	);
}
