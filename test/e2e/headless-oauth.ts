/**
 * An OAuthClientProvider for the official MCP SDK client that plays the user's browser without a
 * browser: when the SDK sends the user to /authorize, it follows the redirects with a cookie jar,
 * approves the consent form, signs in at the GitHub stand-in, and captures the authorization code
 * at the client's loopback redirect URI. Registration, PKCE, discovery and the token exchange are
 * the SDK's own.
 */
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";

export const REDIRECT_URL = "http://127.0.0.1:33419/oauth/callback";

class CookieJar {
	readonly #cookies = new Map<string, string>();
	store(response: Response): void {
		for (const line of response.headers.getSetCookie()) {
			const [pair = ""] = line.split(";");
			const index = pair.indexOf("=");
			const name = pair.slice(0, index).trim();
			const value = pair.slice(index + 1).trim();
			if (value === "" || /max-age=0/i.test(line)) this.#cookies.delete(name);
			else this.#cookies.set(name, value);
		}
	}
	header(): string {
		return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
	}
}

function hiddenInputs(page: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const match of page.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
		const name = /name="([^"]*)"/.exec(match[0])?.[1];
		const value = /value="([^"]*)"/.exec(match[0])?.[1];
		if (name !== undefined && value !== undefined)
			fields[name] = value
				.replace(/&amp;/g, "&")
				.replace(/&quot;/g, '"')
				.replace(/&#39;/g, "'");
	}
	return fields;
}

export interface BrowserChoices {
	/** What the user clicks on our consent page. */
	consent: "approve" | "deny";
	/** Which stand-in user signs in at "GitHub". */
	login: string;
	/** Scopes the user ticks on the consent page, on top of those ticked already. */
	tick?: string[];
}

export class HeadlessOAuthProvider implements OAuthClientProvider {
	#client: OAuthClientInformationMixed | undefined;
	#tokens: OAuthTokens | undefined;
	#verifier = "";
	readonly jar = new CookieJar();
	/** The code captured at the redirect URI, or the error the server sent there. */
	authorizationCode: string | undefined;
	authorizationError: string | undefined;
	/** Every URL the "browser" visited, in order (for assertions). */
	readonly visited: string[] = [];

	constructor(readonly choices: BrowserChoices = { consent: "approve", login: "octocat" }) {}

	get redirectUrl(): string {
		return REDIRECT_URL;
	}

	get clientMetadata(): OAuthClientMetadata {
		return {
			client_name: "E2E Test Client",
			redirect_uris: [REDIRECT_URL],
			grant_types: ["authorization_code", "refresh_token"],
			response_types: ["code"],
			token_endpoint_auth_method: "none",
		};
	}

	clientInformation() {
		return this.#client;
	}
	saveClientInformation(info: OAuthClientInformationMixed): void {
		this.#client = info;
	}
	tokens() {
		return this.#tokens;
	}
	saveTokens(tokens: OAuthTokens): void {
		this.#tokens = tokens;
	}
	saveCodeVerifier(verifier: string): void {
		this.#verifier = verifier;
	}
	codeVerifier(): string {
		return this.#verifier;
	}

	async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
		let next: { url: string; init?: RequestInit } | undefined = { url: authorizationUrl.toString() };
		for (let hop = 0; next && hop < 10; hop++) {
			const { url, init }: { url: string; init?: RequestInit } = next;
			next = undefined;
			if (url.startsWith(REDIRECT_URL)) {
				const params = new URL(url).searchParams;
				this.authorizationCode = params.get("code") ?? undefined;
				this.authorizationError = params.get("error") ?? undefined;
				return;
			}
			this.visited.push(url);
			const headers = new Headers(init?.headers);
			const cookies = this.jar.header();
			if (cookies) headers.set("Cookie", cookies);
			const response: Response = await fetch(url, { ...init, headers, redirect: "manual" });
			this.jar.store(response);
			if (response.status >= 300 && response.status < 400) {
				await response.arrayBuffer();
				next = { url: new URL(response.headers.get("Location") ?? "", url).toString() };
				continue;
			}
			const page = await response.text();
			if (response.status !== 200)
				throw new Error(`browser got HTTP ${response.status} at ${new URL(url).pathname}: ${page.slice(0, 300)}`);
			next = this.#submitPage(url, page);
		}
		if (next) throw new Error("too many redirects during authorization");
	}

	/** Chooses the form on a page: our consent page, or the GitHub stand-in's sign-in page. */
	#submitPage(url: string, page: string): { url: string; init: RequestInit } {
		const fields = hiddenInputs(page);
		const action = new URL(/<form[^>]*action="([^"]*)"/.exec(page)?.[1] ?? url, url).toString();
		const body = new URLSearchParams(fields);
		// A browser posts the ticked checkboxes too (the consent page's scopes).
		for (const match of page.matchAll(/<input type="checkbox" name="([^"]+)" value="([^"]+)" checked/g)) {
			if (match[1] && match[2]) body.append(match[1], match[2]);
		}
		if (/name="action"\s+value="approve"/.test(page)) {
			body.set("action", this.choices.consent);
			for (const scope of this.choices.tick ?? []) if (!body.getAll("scope").includes(scope)) body.append("scope", scope);
		} else if (/name="decision"/.test(page)) {
			body.set("decision", "authorize");
			body.set("login", this.choices.login);
		} else throw new Error(`unexpected page at ${new URL(url).pathname}`);
		return { url: action, init: { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body } };
	}
}
