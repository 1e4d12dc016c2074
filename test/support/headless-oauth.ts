/**
 * An OAuthClientProvider for the official MCP SDK clients (v1 `@modelcontextprotocol/sdk` and v2
 * `@modelcontextprotocol/client`) that plays the user's browser without a browser: when the SDK
 * sends the user to /authorize, it follows the redirects with a cookie jar, answers our consent
 * page and the GitHub stand-in's sign-in page, and captures the authorization code at the
 * client's loopback redirect URI. Registration, PKCE, discovery and the token exchange are the
 * SDK's own; what it stores is kept by InMemoryOAuthProvider (sdk-oauth-provider.ts).
 */
import { CookieJar } from "./cookie-jar.ts";
import { hiddenInputs } from "./forms.ts";
import { InMemoryOAuthProvider } from "./sdk-oauth-provider.ts";

export interface BrowserChoices {
	/** What the user clicks on our consent page. */
	consent: "approve" | "deny";
	/** Which stand-in user signs in at "GitHub". */
	login: string;
	/** Scopes the user ticks on the consent page, on top of those ticked already. */
	tick?: string[];
}

export class HeadlessOAuthProvider extends InMemoryOAuthProvider {
	readonly jar = new CookieJar();
	/** The code captured at the redirect URI, or the error the server sent there. */
	authorizationCode: string | undefined;
	authorizationError: string | undefined;
	/** Everything the server sent to the redirect URI (the code, state and RFC 9207 `iss`). */
	authorizationResponse: URLSearchParams | undefined;
	/** Every URL the "browser" visited, in order (for assertions). */
	readonly visited: string[] = [];

	constructor(
		readonly choices: BrowserChoices = { consent: "approve", login: "octocat" },
		redirectUri = "http://127.0.0.1:33419/oauth/callback",
		clientName = "E2E Test Client",
	) {
		super(redirectUri, clientName);
	}

	override async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
		let next: { url: string; init?: RequestInit } | undefined = { url: authorizationUrl.toString() };
		for (let hop = 0; next && hop < 10; hop++) {
			const { url, init }: { url: string; init?: RequestInit } = next;
			next = undefined;
			if (url.startsWith(this.redirectUri)) {
				const params = new URL(url).searchParams;
				this.authorizationResponse = params;
				this.authorizationCode = params.get("code") ?? undefined;
				this.authorizationError = params.get("error") ?? undefined;
				return;
			}
			this.visited.push(url);
			const headers = new Headers(init?.headers);
			this.jar.apply(headers);
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
