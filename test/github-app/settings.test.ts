/**
 * What GitHub App mode (and any identity provider) reads from the configuration, through
 * src/config.ts: validated, with errors that name the setting and never echo its value. The sign-in
 * credentials are the provider's own settings, so the rest of the server needs none of GitHub's.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, PROVIDER_SETTING, readConfig, readGithubSignInConfig, readProviderSettings } from "../../src/config";
import { createGithubProvider, githubIdentityProvider } from "../../src/upstream/github";

const SESSION_SECRET = "f3c9a1e27b4d8605c2e9f1a7b3d5c8e0";
const GITHUB = { GITHUB_CLIENT_ID: "Iv23li-app-client-id", GITHUB_CLIENT_SECRET: "app-client-secret-value", SESSION_SECRET };

function configError(read: () => unknown): ConfigError {
	try {
		read();
	} catch (error) {
		if (error instanceof ConfigError) return error;
		throw error;
	}
	throw new Error("expected a ConfigError");
}

describe("GitHub App settings", () => {
	it("GITHUB_APP_SLUG set selects App mode: no OAuth scopes asked for, errors link to the app's installation page", () => {
		const config = readGithubSignInConfig({ ...GITHUB, GITHUB_APP_SLUG: " my-mcp-app " });
		expect(config).toMatchObject({ appSlug: "my-mcp-app", clientId: GITHUB.GITHUB_CLIENT_ID, baseUrl: "https://github.com" });
		const provider = createGithubProvider(config);
		const url = new URL(
			provider.authorizeUrl({
				redirectUri: "https://mcp.example.com/callback",
				state: "s",
				codeChallenge: "c",
				scopes: ["github:read", "github:write"],
			}),
		);
		expect(url.searchParams.has("scope")).toBe(false);
		expect(provider.installationUrl()).toBe("https://github.com/apps/my-mcp-app/installations/new");
		expect(provider.wording.revokeUrl).toBe("https://github.com/settings/apps/authorizations");
	});

	it("follows GITHUB_BASE_URL for GitHub Enterprise Server", () => {
		const provider = githubIdentityProvider({ ...GITHUB, GITHUB_APP_SLUG: "ghes-app", GITHUB_BASE_URL: "https://ghe.example.com/" });
		expect(provider.installationUrl()).toBe("https://ghe.example.com/apps/ghes-app/installations/new");
	});

	it("without GITHUB_APP_SLUG, an OAuth App: scopes follow the MCP scopes, and there is no installation page", () => {
		const provider = githubIdentityProvider(GITHUB);
		const url = new URL(
			provider.authorizeUrl({ redirectUri: "https://mcp.example.com/callback", state: "s", codeChallenge: "c", scopes: ["github:read"] }),
		);
		expect(url.searchParams.get("scope")).toBe("read:user user:email");
		expect(provider.installationUrl()).toBeNull();
	});

	it.each(["My App", "app/../x", "-leading-hyphen", "x".repeat(101)])(
		"refuses GITHUB_APP_SLUG %j, naming the setting and the fix",
		(slug) => {
			const error = configError(() => readConfig({ SESSION_SECRET, GITHUB_APP_SLUG: slug }));
			expect(error.issues.join(" ")).toContain("GITHUB_APP_SLUG must be the app's URL name");
			expect(error.message).not.toContain(slug);
		},
	);

	it("names a missing client ID or secret when the GitHub provider is built, with where to set it, never a value", () => {
		const missing = configError(() => githubIdentityProvider({ SESSION_SECRET, GITHUB_CLIENT_SECRET: "secret-visible-nowhere" }));
		expect(missing.issues).toEqual([
			expect.stringMatching(
				/^GITHUB_CLIENT_ID is not set\. It is the Client ID of your GitHub OAuth App or GitHub App\. .*wrangler secret put/,
			),
		]);
		expect(missing.message).not.toContain("secret-visible-nowhere");
		expect(configError(() => githubIdentityProvider({ ...GITHUB, GITHUB_CLIENT_SECRET: " " })).issues.join(" ")).toContain(
			"GITHUB_CLIENT_SECRET is empty",
		);
	});

	it("the rest of the server needs no GitHub credentials (another identity provider has none)", () => {
		expect(readConfig({ SESSION_SECRET }).github).toEqual({
			baseUrl: "https://github.com",
			apiUrl: "https://api.github.com",
			appSlug: null,
		});
	});
});

describe("readProviderSettings: another provider's own settings", () => {
	const SHAPE = {
		EXAMPLE_ISSUER: PROVIDER_SETTING.url("EXAMPLE_ISSUER", "https://id.example.com"),
		EXAMPLE_CLIENT_SECRET: PROVIDER_SETTING.secret("EXAMPLE_CLIENT_SECRET", "It is the client secret at Example ID."),
	};

	it("reads and validates them like every setting", () => {
		expect(readProviderSettings({ EXAMPLE_ISSUER: "https://id.example.com/", EXAMPLE_CLIENT_SECRET: "s3cret" }, SHAPE)).toEqual({
			EXAMPLE_ISSUER: "https://id.example.com",
			EXAMPLE_CLIENT_SECRET: "s3cret",
		});
	});

	it("reports every problem at once, naming each setting, never a value", () => {
		const error = configError(() => readProviderSettings({ EXAMPLE_ISSUER: "http://id.example.com" }, SHAPE));
		expect(error.issues).toEqual([
			"EXAMPLE_ISSUER must use https (plain http is allowed only for a loopback host such as 127.0.0.1)",
			expect.stringMatching(/^EXAMPLE_CLIENT_SECRET is not set\. It is the client secret at Example ID\./),
		]);
		expect(configError(() => readProviderSettings({ EXAMPLE_CLIENT_SECRET: "x" }, SHAPE)).issues).toEqual([
			"EXAMPLE_ISSUER is not set. It is a URL such as https://id.example.com.",
		]);
	});
});
