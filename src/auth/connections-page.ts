/**
 * The connected apps page (/connections): the MCP clients that hold access to the signed-in user's
 * account through this server, each with a "Revoke" button, the user's audit trail of write-tool
 * calls, and the controls for remembered consent and the page's own session. Before sign-in, a page
 * that says what this is and offers to sign in. Client names and URLs are cleaned for display like
 * on the consent page.
 */
import { html } from "hono/html";
import { MCP_SCOPES } from "../scopes";
import { SERVER_NAME } from "../server-info";
import type { AuditEntry } from "../state/user-store";
import type { UpstreamWording } from "../upstream/types";
import { renderPage } from "./layout";

export interface ConnectedApp {
	grantId: string;
	/** Cleaned for display. */
	name: string;
	/** For a Client ID Metadata Document client: its domain, in ASCII. */
	verifiedDomain: string | null;
	scopes: string[];
	/** Epoch ms. */
	grantedAt: number;
	/** The last write-tool call the audit trail has for this app (epoch ms), if any. */
	lastUsedAt: number | null;
	/** Where its tokens go: a host in ASCII, or an app's URI scheme. */
	redirectTarget: string | null;
}

export interface AuditRow extends Pick<AuditEntry, "at" | "tool" | "target" | "outcome"> {
	/** Cleaned for display. */
	app: string;
}

export function formatTime(ms: number) {
	const date = new Date(ms);
	return html`<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 16).replace("T", " ")} UTC</time>`;
}

function scopeLabel(scope: string): string {
	return Object.hasOwn(MCP_SCOPES, scope) ? MCP_SCOPES[scope as keyof typeof MCP_SCOPES].label : scope;
}

export function renderSignedOutPage(provider: UpstreamWording) {
	return renderPage(
		"Connected apps",
		html`<div class="card">
			<h1>Connected apps</h1>
			<p>
				See which apps (MCP clients) can use ${SERVER_NAME} as you, what each may do and what they did, and revoke any of them.
				Sign in with ${provider.name} to continue.
			</p>
			<form method="post" action="/connections/sign-in">
				<div class="actions">
					<button class="primary" type="submit">Sign in with ${provider.name}</button>
				</div>
			</form>
			<p class="muted">You stay signed in on this page for 15 minutes.</p>
		</div>`,
	);
}

export function renderConnectionsPage(options: {
	login: string;
	csrf: string;
	apps: ConnectedApp[];
	audit: AuditRow[];
	provider: UpstreamWording;
}) {
	const { login, csrf, apps, audit, provider } = options;
	const token = html`<input type="hidden" name="csrf" value="${csrf}" />`;
	const list =
		apps.length === 0
			? html`<p>No app can use ${SERVER_NAME} as you right now.</p>`
			: html`<ul class="apps">
					${apps.map(
						(app) => html`<li>
							<h3>${app.name}</h3>
							<p class="${app.verifiedDomain ? "verified" : "muted"}">
								${app.verifiedDomain ? html`Verified: published by <strong>${app.verifiedDomain}</strong>.` : "Registered itself; its name is not verified."}
								${app.redirectTarget ? html`Access goes to <code>${app.redirectTarget}</code>.` : ""}
							</p>
							<p>
								May: ${app.scopes.map((scope, index) => html`${index > 0 ? "; " : ""}${scopeLabel(scope)}`)}.<br />
								<span class="muted">Allowed ${formatTime(app.grantedAt)}${app.lastUsedAt ? html`; last wrote ${formatTime(app.lastUsedAt)}` : ""}.</span>
							</p>
							<form method="post" action="/connections/revoke">
								<input type="hidden" name="grant" value="${app.grantId}" />
								${token}
								<button class="secondary" type="submit">Revoke</button>
							</form>
						</li>`,
					)}
				</ul>`;
	const trail =
		audit.length === 0
			? html`<p class="muted">No app has written anything as you yet.</p>`
			: html`<div class="table-scroll">
					<table>
						<thead>
							<tr><th scope="col">When</th><th scope="col">App</th><th scope="col">Tool</th><th scope="col">On</th><th scope="col">Outcome</th></tr>
						</thead>
						<tbody>
							${audit.map(
								(entry) =>
									html`<tr><td>${formatTime(entry.at)}</td><td>${entry.app}</td><td><code>${entry.tool}</code></td><td>${entry.target}</td><td>${entry.outcome}</td></tr>`,
							)}
						</tbody>
					</table>
				</div>`;
	return renderPage(
		"Connected apps",
		html`<div class="card">
				<h1>Connected apps</h1>
				<p>Signed in as <strong>${login}</strong>. These apps can use ${SERVER_NAME} as you. Revoking one ends its access at once.</p>
				${list}
				<p class="muted">
					Revoking here ends an app's access through this server. This server's own access to your ${provider.name} account is separate:
					${
						provider.revokeUrl
							? html`revoke it in your <a href="${provider.revokeUrl}" rel="noopener noreferrer">${provider.name} settings</a>.`
							: html`revoke it at ${provider.name}.`
					}
				</p>
			</div>
			<section class="card" aria-labelledby="audit">
				<h2 id="audit">What apps wrote as you</h2>
				${trail}
			</section>
			<section class="card" aria-labelledby="browser">
				<h2 id="browser">This browser</h2>
				<p>Apps you chose to remember skip the consent page in this browser. Forget them to be asked again.</p>
				<div class="actions">
					<form class="inline" method="post" action="/connections/forget">
						${token}
						<button class="secondary" type="submit">Forget remembered apps</button>
					</form>
					<form class="inline" method="post" action="/connections/sign-out">
						${token}
						<button class="secondary" type="submit">Sign out</button>
					</form>
				</div>
			</section>`,
		{ wide: true },
	);
}
