import { describe, expect, it } from "vitest";
import { ConfigError, readApiConfig, readConfig } from "../../src/config";
import { authorizeUrl, callWorker, createPkce, registerClient } from "./helpers";

const VALID = {
	GITHUB_CLIENT_ID: "Iv1.client-id-value",
	GITHUB_CLIENT_SECRET: "client-secret-value-0001",
	COOKIE_ENCRYPTION_KEY: "f3c9a1e27b4d8605c2e9f1a7b3d5c8e0",
};

function configError(env: Record<string, unknown>): ConfigError {
	try {
		readConfig(env);
	} catch (error) {
		if (error instanceof ConfigError) return error;
		throw error;
	}
	throw new Error("expected a ConfigError");
}

describe("readConfig", () => {
	it("accepts the three secrets and defaults to github.com", () => {
		expect(readConfig(VALID)).toEqual({
			...VALID,
			GITHUB_BASE_URL: "https://github.com",
			GITHUB_API_URL: "https://api.github.com",
		});
	});

	it("accepts GitHub Enterprise Server URLs and drops trailing slashes", () => {
		const config = readConfig({ ...VALID, GITHUB_BASE_URL: "https://ghe.example.com/", GITHUB_API_URL: "https://ghe.example.com/api/v3/" });
		expect(config.GITHUB_BASE_URL).toBe("https://ghe.example.com");
		expect(config.GITHUB_API_URL).toBe("https://ghe.example.com/api/v3");
	});

	it.each([
		["http://127.0.0.1:8789", true],
		["http://localhost:8789", true],
		["http://[::1]:8789", true],
		["http://github.example.com", false],
		["ftp://github.example.com", false],
		["github.com", false],
		["https://user:pass@github.example.com", false],
		["https://github.example.com/?x=1", false],
	])("GITHUB_BASE_URL %s is accepted: %s", (value, accepted) => {
		const env = { ...VALID, GITHUB_BASE_URL: value };
		if (accepted) expect(readConfig(env).GITHUB_BASE_URL).toBe(value.replace(/\/$/, ""));
		else expect(configError(env).issues.join(" ")).toContain("GITHUB_BASE_URL");
	});

	it.each([
		["GITHUB_CLIENT_ID", undefined, /GITHUB_CLIENT_ID is not set/],
		["GITHUB_CLIENT_SECRET", undefined, /GITHUB_CLIENT_SECRET is not set/],
		["GITHUB_CLIENT_SECRET", "", /GITHUB_CLIENT_SECRET is empty/],
		["COOKIE_ENCRYPTION_KEY", undefined, /COOKIE_ENCRYPTION_KEY is not set/],
		["COOKIE_ENCRYPTION_KEY", "short-key-1234", /COOKIE_ENCRYPTION_KEY is too short: it must be at least 32 characters/],
		["COOKIE_ENCRYPTION_KEY", "a".repeat(40), /COOKIE_ENCRYPTION_KEY is too weak/],
	])("names %s when it is %s, with how to fix it", (name, value, message) => {
		const error = configError({ ...VALID, [name]: value });
		const text = error.issues.join(" ");
		expect(text).toMatch(message);
		expect(text).toMatch(/\.dev\.vars|wrangler secret put|openssl rand/);
		if (value) expect(text).not.toContain(value);
	});

	it("reports every problem at once and never includes a value", () => {
		const error = configError({ GITHUB_CLIENT_ID: "id-visible-nowhere", COOKIE_ENCRYPTION_KEY: "tiny" });
		expect(error.issues.length).toBeGreaterThanOrEqual(2);
		expect(error.message).not.toContain("id-visible-nowhere");
		expect(error.message).not.toContain("tiny");
	});

	it("ignores bindings and non-string values instead of stringifying them", () => {
		expect(configError({ ...VALID, GITHUB_CLIENT_SECRET: { secret: "object-value" } }).message).toMatch(/GITHUB_CLIENT_SECRET is not set/);
	});

	it("readApiConfig needs only the API URL", () => {
		expect(readApiConfig({})).toEqual({ GITHUB_API_URL: "https://api.github.com" });
		expect(() => readApiConfig({ GITHUB_API_URL: "http://api.example.com" })).toThrow(ConfigError);
	});
});

describe("a misconfigured deployment", () => {
	it("shows a page naming the missing secret instead of a consent page", async () => {
		const { client_id } = await registerClient();
		const response = await callWorker(authorizeUrl(client_id, await createPkce()), { env: { GITHUB_CLIENT_SECRET: undefined } });
		const page = await response.text();
		expect(response.status).toBe(500);
		expect(page).toContain("GITHUB_CLIENT_SECRET is not set");
		expect(page).toContain("wrangler secret put");
		expect(response.headers.getSetCookie()).toEqual([]);
	});

	it("never shows the value of a weak key", async () => {
		const weak = "weak-cookie-key";
		const { client_id } = await registerClient();
		const response = await callWorker(authorizeUrl(client_id, await createPkce()), { env: { COOKIE_ENCRYPTION_KEY: weak } });
		const page = await response.text();
		expect(response.status).toBe(500);
		expect(page).toContain("COOKIE_ENCRYPTION_KEY is too short");
		expect(page).not.toContain(weak);
	});
});
