/**
 * The consent page: who is asking (the client's self-asserted name, or its verified domain for a
 * Client ID Metadata Document client), where access will be sent (the redirect URI's host, with a
 * warning when that is an app on this computer: a loopback port or a private-use URI scheme), what
 * it will be able to do, and whether to remember the answer.
 *
 * Every value from the client is cleaned for display (display-text.ts: no bidi, format or control
 * characters, bounded length, hosts in ASCII) and escaped by hono's `html` template; links are
 * rendered only for http(s) URLs.
 *
 * MCP security best practices (confused deputy): consent per client before the redirect to
 * GitHub, on a page that cannot be framed or forged; beginConsent() supplies the binding.
 */
import type { ConsentDescription } from "@cloudflare/workers-oauth-provider";
import { html } from "hono/html";
import { ALL_MCP_SCOPES, BASE_SCOPE, MCP_SCOPES } from "../scopes";
import { SERVER_NAME } from "../server-info";
import type { UpstreamWording } from "../upstream/types";
import { asciiHostname, CLIENT_NAME_MAX, cleanDisplayText } from "./display-text";
import { renderPage } from "./layout";
import type { RedirectKind } from "./redirect-uris";

/** An http(s) URL as a link target and as the text shown for it (host in ASCII, cleaned, bounded). */
export function displayableLink(value: string | undefined): { href: string; text: string } | null {
	if (!value || !URL.canParse(value)) return null;
	const url = new URL(value);
	if (url.protocol !== "https:" && url.protocol !== "http:") return null;
	// URL serialisation already gives special-scheme hosts in punycode; the text is cleaned too.
	const href = url.toString();
	return { href, text: cleanDisplayText(`${url.protocol}//${asciiHostname(url.host)}${url.pathname}`, 120) };
}

/** The client's name as shown: cleaned, or a placeholder when nothing printable is left. */
export function displayClientName(name: string): string {
	return cleanDisplayText(name, CLIENT_NAME_MAX) || "An unnamed app";
}

export interface ConsentPageOptions {
	/** What kind of place the redirect URI is (redirect-uris.ts). */
	redirectKind: RedirectKind;
	/** The identity provider's words (its name, where users revoke its access). */
	provider: UpstreamWording;
}

/** Where access goes, as the page shows it: a host in ASCII, or an app's URI scheme. */
function destination(details: ConsentDescription, kind: RedirectKind): string {
	if (kind === "private-use") {
		const url = new URL(details.redirectUri);
		const host = url.host ? asciiHostname(url.host) : "";
		return cleanDisplayText(`${url.protocol}${host ? `//${host}` : ""}`, 120);
	}
	return asciiHostname(details.redirectHost);
}

export function renderConsentPage(details: ConsentDescription, handle: string, options: ConsentPageOptions) {
	const name = displayClientName(details.clientName);
	const homePage = displayableLink(details.clientUri);
	const who = details.clientDomain
		? html`<p class="verified">Verified: this app is published by <strong>${asciiHostname(details.clientDomain)}</strong>, the domain its
				details come from.</p>`
		: html`<p class="muted">This app registered itself with this server. Its name is not verified${
				homePage ? html`; it says its home page is <a href="${homePage.href}" rel="noopener noreferrer nofollow">${homePage.text}</a>` : ""
			}.</p>`;
	const scheme = options.redirectKind === "private-use" ? new URL(details.redirectUri).protocol : "";
	const local =
		options.redirectKind === "loopback"
			? html`<p class="warning"><strong>Access will be sent to an app on your computer.</strong> Continue only if you just started connecting from it.</p>`
			: options.redirectKind === "private-use"
				? html`<p class="warning"><strong>Access will be sent to an app on your computer</strong>: the one that opens <code>${scheme}</code> links. Continue only if you just started connecting from it.</p>`
				: "";
	// The base scope is always granted; the others are ticked when the client asked for them,
	// and the user can change that. Unticked boxes are simply not posted.
	const requested = new Set(details.scope);
	const scopes = ALL_MCP_SCOPES.map((scope) =>
		scope === BASE_SCOPE
			? html`<li><label><input type="checkbox" checked disabled /> <span>${MCP_SCOPES[scope].label} <span class="muted">(always included; <code>${scope}</code>)</span></span></label></li>`
			: html`<li><label><input type="checkbox" name="scope" value="${scope}" ${requested.has(scope) ? "checked" : ""} /> <span>${MCP_SCOPES[scope].label} <span class="muted">(<code>${scope}</code>)</span></span></label></li>`,
	);
	const provider = options.provider;

	return renderPage(
		`Authorize ${name}`,
		html`<div class="card">
			<h1>Allow <strong>${name}</strong> to use ${SERVER_NAME} as you?</h1>
			${who}
			<p>Access will be sent to <strong><code>${destination(details, options.redirectKind)}</code></strong>.</p>
			${local}
			<form method="post" action="/authorize">
				<fieldset>
					<legend>If you allow it, you will sign in with ${provider.name}, and <strong>${name}</strong> will be able to:</legend>
					<ul class="scopes">
						${scopes}
					</ul>
				</fieldset>
				<p class="option">
					<label><input type="checkbox" name="remember" value="1" /> <span>Remember this app: next time, skip this page when it asks again from the same place for no more than this</span></label>
				</p>
				<input type="hidden" name="handle" value="${handle}" />
				<div class="actions">
					<button class="primary" type="submit" name="action" value="approve">Allow and sign in with ${provider.name}</button>
					<button class="secondary" type="submit" name="action" value="deny">Deny</button>
				</div>
			</form>
			<p class="muted">
				You can see and revoke the apps you allowed on <a href="/connections">Connected apps</a>${
					provider.revokeUrl
						? html`, and this server's access to your ${provider.name} account at ${provider.name} (<a href="${provider.revokeUrl}" rel="noopener noreferrer">${provider.name} settings</a>)`
						: ""
				}.
			</p>
		</div>`,
	);
}
