/**
 * The storage half of an MCP SDK OAuthClientProvider (v1 `@modelcontextprotocol/sdk` and v2
 * `@modelcontextprotocol/client`): what an app keeps between the SDK's calls (its registration,
 * tokens, PKCE verifier and discovery state), in memory, and the metadata it registers with. A
 * subclass says what sending the user to authorize does: a headless browser (headless-oauth.ts),
 * a real Chromium, or only recording the URL.
 */

/** The tokens the SDK stores, as far as the tests read them. */
export interface StoredTokens {
	access_token: string;
	refresh_token?: string;
	scope?: string;
}

export abstract class InMemoryOAuthProvider {
	#client: { client_id: string } | undefined;
	#tokens: StoredTokens | undefined;
	#verifier = "";
	#discovery: unknown;

	constructor(
		readonly redirectUri: string,
		readonly clientName: string,
	) {}

	abstract redirectToAuthorization(authorizationUrl: URL): void | Promise<void>;

	get redirectUrl(): string {
		return this.redirectUri;
	}

	get clientMetadata() {
		return {
			client_name: this.clientName,
			redirect_uris: [this.redirectUri],
			grant_types: ["authorization_code", "refresh_token"],
			response_types: ["code"],
			token_endpoint_auth_method: "none",
		};
	}

	// The two SDKs type what they store differently; each gets back exactly what it saved.
	clientInformation() {
		return this.#client as never;
	}
	saveClientInformation(info: { client_id: string }): void {
		this.#client = info;
	}
	tokens() {
		return this.#tokens as never;
	}
	saveTokens(tokens: StoredTokens): void {
		this.#tokens = tokens;
	}
	saveCodeVerifier(verifier: string): void {
		this.#verifier = verifier;
	}
	codeVerifier(): string {
		return this.#verifier;
	}
	// SDK v2 keeps the discovery result with the verifier, to check the callback against the same
	// authorization server (SEP-2352).
	saveDiscoveryState(state: unknown): void {
		this.#discovery = state;
	}
	discoveryState() {
		return this.#discovery as never;
	}

	/** The registration the SDK stored (for assertions). */
	get storedClient(): { client_id: string } | undefined {
		return this.#client;
	}
	/** The tokens the SDK stored (for assertions). */
	get storedTokens(): StoredTokens | undefined {
		return this.#tokens;
	}
}
