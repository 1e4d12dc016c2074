/**
 * The MCP client's side of OAuth, step by step, against any origin: dynamic registration, the
 * authorization request, our consent page, the GitHub stand-in's sign-in page, /callback and the
 * token endpoint. One implementation for every test project: inside workerd `send` calls the
 * Worker's default export, in Node it is `fetch` against `wrangler dev`.
 */
import { testAddress } from "./client-address.ts";
import { CookieJar } from "./cookie-jar.ts";
import { hiddenInputs } from "./forms.ts";
import { createPkce, type Pkce } from "./pkce.ts";

/** A loopback redirect URI, like the one mcp-remote or the Inspector registers. */
export const LOOPBACK_REDIRECT_URI = "http://127.0.0.1:33418/oauth/callback";

export type Send = (request: Request) => Promise<Response>;

/** Plain fetch that never follows redirects: each hop is asserted by the test. */
export const fetchManually: Send = (request) => fetch(request, { redirect: "manual" });

export interface FlowOptions {
	/** The server's origin, e.g. http://localhost:8788. */
	origin: string;
	/** How requests reach the server; `fetch` by default. */
	send?: Send;
	/** The redirect URI the client registers and uses. */
	redirectUri?: string;
	/** The `resource` (RFC 8707) the client asks for; the origin by default. */
	resource?: string;
}

export interface ConsentStep {
	jar: CookieJar;
	page: string;
	handle: string;
	pkce: Pkce;
	clientId: string;
	response: Response;
}

export interface SignedIn {
	clientId: string;
	accessToken: string;
	refreshToken: string;
	scope: string;
	/** The browser's cookies after the sign-in (remembered consent lives here). */
	jar: CookieJar;
}

export interface SignInOptions {
	/** The stand-in user who signs in at "GitHub". */
	login?: string;
	/** Scopes ticked on the consent page (the base scope is always granted). */
	scopes?: readonly string[];
	/** An already registered client; a new one is registered otherwise. */
	clientId?: string;
	/** The browser to use (its cookies): a new one by default. */
	jar?: CookieJar;
	/** Extra consent form fields, e.g. { remember: "1" }. */
	consentFields?: Record<string, string>;
}

export class OAuthFlow {
	readonly origin: string;
	readonly redirectUri: string;
	readonly resource: string;
	readonly #send: Send;

	constructor(options: FlowOptions) {
		this.origin = options.origin;
		this.#send = options.send ?? fetchManually;
		this.redirectUri = options.redirectUri ?? LOOPBACK_REDIRECT_URI;
		this.resource = options.resource ?? options.origin;
	}

	/** A request to the server, carrying and updating a browser's cookies when given a jar. */
	async request(path: string | URL, init: RequestInit = {}, jar?: CookieJar): Promise<Response> {
		const headers = new Headers(init.headers);
		jar?.apply(headers);
		const response = await this.#send(new Request(new URL(path, this.origin), { ...init, headers, redirect: "manual" }));
		jar?.store(response);
		return response;
	}

	/**
	 * Dynamic registration. Each call comes from its own client address (CF-Connecting-IP, which
	 * Cloudflare sets in production), so the per-address registration limit, tested on its own in
	 * test/worker/registration.test.ts, never throttles the other tests.
	 */
	async register(metadata: Record<string, unknown> = {}, clientAddress = testAddress()): Promise<{ client_id: string }> {
		const response = await this.request("/register", {
			method: "POST",
			headers: { "Content-Type": "application/json", "CF-Connecting-IP": clientAddress },
			body: JSON.stringify({
				client_name: "Test MCP Client",
				redirect_uris: [this.redirectUri],
				token_endpoint_auth_method: "none",
				grant_types: ["authorization_code", "refresh_token"],
				...metadata,
			}),
		});
		if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${await response.text()}`);
		return response.json();
	}

	authorizeUrl(clientId: string, pkce: Pkce, params: Record<string, string> = {}): URL {
		const url = new URL("/authorize", this.origin);
		url.search = new URLSearchParams({
			response_type: "code",
			client_id: clientId,
			redirect_uri: this.redirectUri,
			code_challenge: pkce.challenge,
			code_challenge_method: "S256",
			state: "client-state-123",
			resource: this.resource,
			...params,
		}).toString();
		return url;
	}

	/** GET /authorize: the consent page, with the browser's binding cookie in the jar. */
	async openConsent(
		clientId: string,
		options: { jar?: CookieJar; pkce?: Pkce; params?: Record<string, string> } = {},
	): Promise<ConsentStep> {
		const jar = options.jar ?? new CookieJar();
		const pkce = options.pkce ?? (await createPkce());
		const response = await this.request(this.authorizeUrl(clientId, pkce, options.params), {}, jar);
		const page = await response.text();
		if (response.status !== 200) throw new Error(`consent page failed: ${response.status} ${page.slice(0, 500)}`);
		const handle = hiddenInputs(page).handle;
		if (!handle) throw new Error("the consent page has no handle");
		return { jar, page, handle, pkce, clientId, response };
	}

	async submitConsent(
		step: Pick<ConsentStep, "jar" | "handle">,
		action: "approve" | "deny",
		scopes: readonly string[] = [],
		fields: Record<string, string> = {},
	): Promise<Response> {
		const form = new URLSearchParams({ handle: step.handle, action, ...fields });
		for (const scope of scopes) form.append("scope", scope);
		return this.request(
			"/authorize",
			{ method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form },
			step.jar,
		);
	}

	/** GitHub's redirect back to /callback, followed in the browser: the client's redirect. */
	async finishCallback(callback: URL, jar: CookieJar): Promise<Response> {
		return this.request(callback, {}, jar);
	}

	async exchangeCode(clientId: string, code: string, verifier: string, extra: Record<string, string> = {}): Promise<Response> {
		return this.request("/token", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({
				grant_type: "authorization_code",
				client_id: clientId,
				code,
				code_verifier: verifier,
				redirect_uri: this.redirectUri,
				resource: this.resource,
				...extra,
			}),
		});
	}

	async refresh(clientId: string, refreshToken: string, extra: Record<string, string> = {}): Promise<Response> {
		return this.request("/token", {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ grant_type: "refresh_token", client_id: clientId, refresh_token: refreshToken, ...extra }),
		});
	}

	/** From an approved consent (or a skipped one) to the code at the client's redirect URI. */
	async codeAfterApproval(approved: Response, jar: CookieJar, login: string): Promise<string> {
		const githubLocation = approved.headers.get("Location");
		if (approved.status !== 302 || !githubLocation)
			throw new Error(`approval did not redirect: ${approved.status} ${await approved.text()}`);
		const callback = await signInAtGithub(githubLocation, login);
		const finished = await this.finishCallback(callback, jar);
		const clientRedirect = finished.headers.get("Location");
		if (finished.status !== 302 || !clientRedirect)
			throw new Error(`callback failed: ${finished.status} ${(await finished.text()).slice(0, 500)}`);
		const code = new URL(clientRedirect).searchParams.get("code");
		if (!code) throw new Error(`the callback redirected without a code: ${clientRedirect}`);
		return code;
	}

	/** The whole flow as a user who approves: registration, consent, GitHub, tokens. */
	async signIn(options: SignInOptions = {}): Promise<SignedIn> {
		const login = options.login ?? "octocat";
		const clientId = options.clientId ?? (await this.register()).client_id;
		const consent = await this.openConsent(clientId, { ...(options.jar ? { jar: options.jar } : {}) });
		const approved = await this.submitConsent(consent, "approve", options.scopes ?? [], options.consentFields);
		const code = await this.codeAfterApproval(approved, consent.jar, login);
		const tokens = await this.exchangeCode(clientId, code, consent.pkce.verifier);
		if (tokens.status !== 200) throw new Error(`token exchange failed: ${tokens.status} ${await tokens.text()}`);
		const body = (await tokens.json()) as { access_token: string; refresh_token: string; scope: string };
		return { clientId, accessToken: body.access_token, refreshToken: body.refresh_token, scope: body.scope, jar: consent.jar };
	}
}

/** What the connected apps page (/connections) shows a signed-in browser, with its form token. */
export interface ConnectionsPage {
	response: Response;
	page: string;
	csrf: string;
}

/**
 * The connected apps page as a browser uses it: sign in at "GitHub", read the page, post its
 * forms (same-origin, as a browser sends them: with Origin).
 */
export class ConnectionsBrowser {
	// Plain fields, not parameter properties: scripts/bench loads this file with Node's type stripping.
	readonly flow: OAuthFlow;
	readonly jar: CookieJar;

	constructor(flow: OAuthFlow, jar = new CookieJar()) {
		this.flow = flow;
		this.jar = jar;
	}

	/** POST /connections/sign-in, sign in at the stand-in as `login`, back through /callback. */
	async signIn(login = "octocat"): Promise<void> {
		const started = await this.post("/connections/sign-in", {});
		const location = started.headers.get("Location");
		if (started.status !== 302 || !location)
			throw new Error(`connections sign-in did not start: ${started.status} ${await started.text()}`);
		const callback = await signInAtGithub(location, login);
		const finished = await this.flow.request(callback, {}, this.jar);
		if (finished.status !== 303) throw new Error(`connections sign-in failed: ${finished.status} ${(await finished.text()).slice(0, 500)}`);
	}

	async open(): Promise<ConnectionsPage> {
		const response = await this.flow.request("/connections", {}, this.jar);
		const page = await response.text();
		return { response, page, csrf: hiddenInputs(page).csrf ?? "" };
	}

	/** A form post from the page (Origin: this server), with the page's token unless `fields` sets one. */
	async post(
		path: string,
		fields: Record<string, string>,
		headers: Record<string, string> = { Origin: this.flow.origin },
	): Promise<Response> {
		return this.flow.request(
			path,
			{ method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields) },
			this.jar,
		);
	}

	/** Revokes a grant with the page's current token. */
	async revoke(grantId: string): Promise<Response> {
		const { csrf } = await this.open();
		return this.post("/connections/revoke", { grant: grantId, csrf });
	}
}

/** The grant ids in the revoke forms of a connections page, in page order. */
export function revokableGrants(page: string): string[] {
	return [...page.matchAll(/<form method="post" action="\/connections\/revoke">([\s\S]*?)<\/form>/g)].map(
		(match) => hiddenInputs(match[1] ?? "").grant ?? "",
	);
}

/**
 * At the GitHub stand-in: open the authorize page the Worker redirected to and submit it as
 * `login`, with `decision` authorize or cancel. Returns GitHub's redirect back to /callback.
 */
export async function signInAtGithub(
	githubAuthorizeLocation: string,
	login = "octocat",
	decision: "authorize" | "cancel" = "authorize",
): Promise<URL> {
	const page = await fetch(githubAuthorizeLocation);
	const html = await page.text();
	if (page.status !== 200) throw new Error(`stand-in authorize page failed: ${page.status}`);
	const response = await fetch(new URL("/login/oauth/authorize", githubAuthorizeLocation), {
		method: "POST",
		redirect: "manual",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ ...hiddenInputs(html), login, decision }),
	});
	const location = response.headers.get("Location");
	if (response.status !== 302 || !location) throw new Error(`the stand-in did not redirect: ${response.status}`);
	return new URL(location);
}
