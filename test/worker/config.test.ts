/**
 * src/config.ts, the one module that reads settings: the structured Config it returns, defaults,
 * lists, numbers, hosts and origins, the session secret and its deprecated name, and errors that
 * name the setting and how to fix it, never its value. What a misconfigured deployment shows is in
 * misconfigured.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, isLoopbackHost, parseList, readConfig, readGithubSignInConfig, readPublicConfig } from "../../src/config";
import { captureConsole } from "../support/console-capture";

const SECRET = "f3c9a1e27b4d8605c2e9f1a7b3d5c8e0";
const VALID = {
	GITHUB_CLIENT_ID: "Iv1.client-id-value",
	GITHUB_CLIENT_SECRET: "client-secret-value-0001",
	SESSION_SECRET: SECRET,
};

afterEach(() => {
	vi.restoreAllMocks();
});

function configError(env: Record<string, unknown>, read: (env: object) => unknown = readConfig): ConfigError {
	try {
		read(env);
	} catch (error) {
		if (error instanceof ConfigError) return error;
		throw error;
	}
	throw new Error("expected a ConfigError");
}

/** The error for one setting: it names the setting and never contains the value. */
function expectRefused(setting: string, value: string, read: (env: object) => unknown = readConfig): string {
	const error = configError({ ...VALID, [setting]: value }, read);
	const text = `${error.message}\n${error.issues.join("\n")}`;
	expect(text).toContain(setting);
	if (value.trim().length >= 3) expect(text).not.toContain(value.trim());
	return text;
}

describe("readConfig: the structured configuration", () => {
	it("the three secrets alone: every default (the GitHub app's credentials are the GitHub provider's own settings)", () => {
		expect(readGithubSignInConfig(VALID)).toMatchObject({ clientId: VALID.GITHUB_CLIENT_ID, clientSecret: VALID.GITHUB_CLIENT_SECRET });
		expect(readConfig(VALID)).toEqual({
			allowedOrigins: [],
			allowedHosts: [],
			jurisdiction: undefined,
			sessionIdleDays: 7,
			maxSessionsPerGrant: 10,
			auditRetentionDays: 90,
			github: {
				baseUrl: "https://github.com",
				apiUrl: "https://api.github.com",
				appSlug: null,
			},
			sessionSecret: SECRET,
			writeAllowList: { logins: [], orgs: [] },
			deprecated: [],
		});
	});

	it("every setting given", () => {
		const config = readConfig({
			...VALID,
			GITHUB_BASE_URL: "https://ghe.example.com/",
			GITHUB_API_URL: "https://ghe.example.com/api/v3/",
			GITHUB_APP_SLUG: "my-mcp-server",
			ALLOWED_ORIGINS: "https://app.example.com",
			ALLOWED_HOSTS: "mcp.example.com",
			ALLOWED_GITHUB_LOGINS: "Octocat",
			ALLOWED_GITHUB_ORGS: "Octo-Org",
			MCP_JURISDICTION: "eu",
			SESSION_IDLE_DAYS: "30",
			MAX_SESSIONS_PER_GRANT: "3",
			AUDIT_RETENTION_DAYS: "365",
		});
		expect(config).toMatchObject({
			allowedOrigins: ["https://app.example.com"],
			allowedHosts: ["mcp.example.com"],
			jurisdiction: "eu",
			sessionIdleDays: 30,
			maxSessionsPerGrant: 3,
			auditRetentionDays: 365,
			github: { baseUrl: "https://ghe.example.com", apiUrl: "https://ghe.example.com/api/v3", appSlug: "my-mcp-server" },
			writeAllowList: { logins: ["octocat"], orgs: ["octo-org"] },
		});
	});

	it("ignores bindings and non-string values instead of stringifying them", () => {
		const error = configError({ ...VALID, GITHUB_CLIENT_SECRET: { secret: "object-value" } }, readGithubSignInConfig);
		expect(error.message).toMatch(/GITHUB_CLIENT_SECRET is not set/);
		expect(error.message).not.toContain("object-value");
		expect(readConfig({ ...VALID, OAUTH_KV: { get() {} }, MCP_OBJECT: {} }).allowedHosts).toEqual([]);
	});

	it("the same settings give the same object (parsed once per isolate); other settings are parsed anew", () => {
		expect(readConfig({ ...VALID })).toBe(readConfig({ ...VALID }));
		expect(readConfig({ ...VALID, MAX_SESSIONS_PER_GRANT: "4" }).maxSessionsPerGrant).toBe(4);
		expect(readConfig({ ...VALID, MAX_SESSIONS_PER_GRANT: "5" }).maxSessionsPerGrant).toBe(5);
	});
});

describe("the session secret: SESSION_SECRET, or the deprecated COOKIE_ENCRYPTION_KEY", () => {
	const OTHER = "0a1b2c3d4e5f60718293a4b5c6d7e8f9aa";

	it("COOKIE_ENCRYPTION_KEY alone is accepted and reported as deprecated, once, by name only", () => {
		const logs = captureConsole();
		const { SESSION_SECRET: _unused, ...rest } = VALID;
		const config = readConfig({ ...rest, COOKIE_ENCRYPTION_KEY: OTHER });
		expect(config.sessionSecret).toBe(OTHER);
		expect(config.deprecated).toEqual(["COOKIE_ENCRYPTION_KEY (rename it to SESSION_SECRET)"]);
		readConfig({ ...rest, COOKIE_ENCRYPTION_KEY: OTHER });
		expect(logs().match(/"type":"config_deprecated"/g)).toHaveLength(1);
		expect(logs()).toContain("COOKIE_ENCRYPTION_KEY");
		expect(logs()).not.toContain(OTHER);
	});

	it("with both set, SESSION_SECRET wins and nothing is deprecated", () => {
		const config = readConfig({ ...VALID, COOKIE_ENCRYPTION_KEY: OTHER });
		expect(config.sessionSecret).toBe(SECRET);
		expect(config.deprecated).toEqual([]);
	});

	it("surrounding whitespace is trimmed", () => {
		expect(readConfig({ ...VALID, SESSION_SECRET: `  ${SECRET}\n` }).sessionSecret).toBe(SECRET);
	});

	it.each([
		["SESSION_SECRET", "missing (neither name set)", undefined, /SESSION_SECRET is not set/],
		["SESSION_SECRET", "empty", "", /SESSION_SECRET is empty/],
		["SESSION_SECRET", "31 characters", SECRET.slice(1), /SESSION_SECRET is too short: it must be at least 32 characters/],
		["SESSION_SECRET", "long but with few distinct characters", "ab".repeat(30), /SESSION_SECRET is too weak/],
		["COOKIE_ENCRYPTION_KEY", "the one in use, too short", "short-key-1234", /COOKIE_ENCRYPTION_KEY is too short/],
		["COOKIE_ENCRYPTION_KEY", "the one in use, weak", "a".repeat(40), /COOKIE_ENCRYPTION_KEY is too weak/],
	] as const)("%s %s: refused, naming the setting and how to fix it", (setting, _what, value, message) => {
		const { SESSION_SECRET: _unused, ...rest } = VALID;
		const env =
			setting === "SESSION_SECRET" ? { ...rest, ...(value === undefined ? {} : { SESSION_SECRET: value }) } : { ...rest, [setting]: value };
		const error = configError(env);
		const text = error.issues.join(" ");
		expect(text).toMatch(message);
		expect(text).toMatch(/openssl rand|wrangler secret put|\.dev\.vars/);
		if (value && value.length >= 3) expect(text).not.toContain(value);
	});

	it("an empty SESSION_SECRET is an error even when COOKIE_ENCRYPTION_KEY is set (never a silent fallback)", () => {
		expect(configError({ ...VALID, SESSION_SECRET: "", COOKIE_ENCRYPTION_KEY: OTHER }).issues.join(" ")).toContain(
			"SESSION_SECRET is empty",
		);
	});
});

describe("lists: comma- or whitespace-separated, trimmed, empty items dropped", () => {
	it.each([
		["", []],
		["a", ["a"]],
		["a,b", ["a", "b"]],
		[" a , b ", ["a", "b"]],
		["a b\tc\nd", ["a", "b", "c", "d"]],
		[",,a,,b,,", ["a", "b"]],
		["a,\n b ,\t\tc", ["a", "b", "c"]],
	])("parseList(%j) = %j", (value, list) => {
		expect(parseList(value)).toEqual(list);
	});

	it("non-strings are no list", () => {
		expect(parseList(undefined)).toEqual([]);
		expect(parseList(["a"])).toEqual([]);
	});

	it("logins and organisations are lowercased", () => {
		expect(
			readConfig({ ...VALID, ALLOWED_GITHUB_LOGINS: "Octocat HUBOT", ALLOWED_GITHUB_ORGS: "Octo-Org,,GitHub" }).writeAllowList,
		).toEqual({
			logins: ["octocat", "hubot"],
			orgs: ["octo-org", "github"],
		});
	});
});

describe("ALLOWED_ORIGINS: web origins", () => {
	it.each([
		["https://app.example.com", ["https://app.example.com"]],
		["https://APP.example.com/some/path?x=1", ["https://app.example.com"]],
		["https://a.example.com, http://localhost:3000", ["https://a.example.com", "http://localhost:3000"]],
		["https://a.example.com:8443", ["https://a.example.com:8443"]],
	])("%j → %j", (value, origins) => {
		expect(readConfig({ ...VALID, ALLOWED_ORIGINS: value }).allowedOrigins).toEqual(origins);
	});

	it.each(["app.example.net", "ftp://files.example.com", "javascript:alert(1)", "*", "null", "https://ok.example.com, not-an-origin"])(
		"%j is refused, naming ALLOWED_ORIGINS and not the value",
		(value) => {
			expect(expectRefused("ALLOWED_ORIGINS", value)).toContain("https://app.example.com");
		},
	);
});

describe("ALLOWED_HOSTS: hostnames, exact or *.wildcard", () => {
	it.each([
		["mcp.example.com", ["mcp.example.com"]],
		["MCP.Example.COM", ["mcp.example.com"]],
		["mcp.example.com, *.tenant.example.org", ["mcp.example.com", "*.tenant.example.org"]],
		["xn--exmple-cua.com", ["xn--exmple-cua.com"]],
		["localhost", ["localhost"]],
	])("%j → %j", (value, hosts) => {
		expect(readPublicConfig({ ALLOWED_HOSTS: value }).allowedHosts).toEqual(hosts);
	});

	it.each([
		"https://mcp.example.com",
		"mcp.example.com:443",
		"mcp.example.com/mcp",
		"*",
		"*.",
		"**.example.com",
		"*example.com",
		"mcp.*.example.com",
		"a..example.com",
		".example.net",
		"exämple.com",
		"user@mcp.example.com",
		"mcp.example.com, https://other.example.com",
	])("%j is refused (the check could only be widened by accident), naming ALLOWED_HOSTS and not the value", (value) => {
		expectRefused("ALLOWED_HOSTS", value, readPublicConfig);
		expectRefused("ALLOWED_HOSTS", value, readConfig);
	});
});

describe("numbers: whole numbers within bounds, empty for the default", () => {
	it.each([
		["SESSION_IDLE_DAYS", "", 7],
		["SESSION_IDLE_DAYS", " 14 ", 14],
		["SESSION_IDLE_DAYS", "1", 1],
		["SESSION_IDLE_DAYS", "365", 365],
		["MAX_SESSIONS_PER_GRANT", "", 10],
		["MAX_SESSIONS_PER_GRANT", "1000", 1000],
		["AUDIT_RETENTION_DAYS", "3650", 3650],
		["AUDIT_RETENTION_DAYS", "007", 7],
	] as const)("%s=%j → %i", (setting, value, expected) => {
		const key = {
			SESSION_IDLE_DAYS: "sessionIdleDays",
			MAX_SESSIONS_PER_GRANT: "maxSessionsPerGrant",
			AUDIT_RETENTION_DAYS: "auditRetentionDays",
		}[setting];
		expect(readPublicConfig({ [setting]: value })[key as "sessionIdleDays"]).toBe(expected);
	});

	it.each([
		["SESSION_IDLE_DAYS", "0"],
		["SESSION_IDLE_DAYS", "366"],
		["SESSION_IDLE_DAYS", "-1"],
		["SESSION_IDLE_DAYS", "7.5"],
		["SESSION_IDLE_DAYS", "1e3"],
		["SESSION_IDLE_DAYS", "1e1"],
		["SESSION_IDLE_DAYS", "0x10"],
		["SESSION_IDLE_DAYS", "seven"],
		["MAX_SESSIONS_PER_GRANT", "0"],
		["MAX_SESSIONS_PER_GRANT", "1001"],
		["MAX_SESSIONS_PER_GRANT", "99999999999999999999"],
		["AUDIT_RETENTION_DAYS", "3651"],
	] as const)("%s=%j is refused, naming the setting and its bounds, not the value", (setting, value) => {
		expect(expectRefused(setting, value, readPublicConfig)).toMatch(/must be (a whole number )?from \d+ to \d+/);
	});
});

describe("GitHub settings", () => {
	it.each([
		["http://127.0.0.1:8789", true],
		["http://localhost:8789", true],
		["http://[::1]:8789", true],
		["https://ghe.example.com/", true],
		["http://github.example.com", false],
		["ftp://github.example.com", false],
		["ghe.example.net", false],
		["https://user:pass@github.example.com", false],
		["https://github.example.com/?x=1", false],
		["https://github.example.com/#x", false],
	])("GITHUB_BASE_URL and GITHUB_API_URL %s accepted: %s", (value, accepted) => {
		for (const setting of ["GITHUB_BASE_URL", "GITHUB_API_URL"] as const) {
			if (accepted) {
				const github = readConfig({ ...VALID, [setting]: value }).github;
				expect(setting === "GITHUB_BASE_URL" ? github.baseUrl : github.apiUrl).toBe(value.replace(/\/$/, ""));
			} else expectRefused(setting, value);
		}
	});

	it.each([
		["GITHUB_CLIENT_ID", undefined, /GITHUB_CLIENT_ID is not set/],
		["GITHUB_CLIENT_SECRET", undefined, /GITHUB_CLIENT_SECRET is not set/],
		["GITHUB_CLIENT_SECRET", "", /GITHUB_CLIENT_SECRET is empty/],
		["GITHUB_CLIENT_SECRET", "   ", /GITHUB_CLIENT_SECRET is empty/],
	] as const)("%s %j: refused, with how to fix it", (setting, value, message) => {
		const text = configError({ ...VALID, [setting]: value }, readGithubSignInConfig).issues.join(" ");
		expect(text).toMatch(message);
		expect(text).toMatch(/\.dev\.vars|wrangler secret put/);
	});

	it.each([
		["my-mcp-server", "my-mcp-server"],
		["", null],
	])("GITHUB_APP_SLUG %j → %j", (value, slug) => {
		expect(readConfig({ ...VALID, GITHUB_APP_SLUG: value }).github.appSlug).toBe(slug);
	});

	it.each(["My App", "-app", "app_name", "a".repeat(101)])("GITHUB_APP_SLUG %j is refused", (value) => {
		expectRefused("GITHUB_APP_SLUG", value);
	});

	it.each([
		["", undefined],
		["eu", "eu"],
		["fedramp", "fedramp"],
	])("MCP_JURISDICTION %j → %j", (value, jurisdiction) => {
		expect(readPublicConfig({ MCP_JURISDICTION: value }).jurisdiction).toBe(jurisdiction);
	});

	it.each(["us", "EU", "eu,fedramp"])("MCP_JURISDICTION %j is refused", (value) => {
		expect(configError({ ...VALID, MCP_JURISDICTION: value }).issues.join(" ")).toContain("MCP_JURISDICTION");
	});
});

describe("errors", () => {
	it("report every problem at once and never include a value", () => {
		const error = configError({
			GITHUB_CLIENT_ID: "id-visible-nowhere",
			SESSION_SECRET: "tiny-secret",
			ALLOWED_HOSTS: "https://host-visible-nowhere",
			SESSION_IDLE_DAYS: "forever-and-ever",
		});
		expect(error.issues.length).toBeGreaterThanOrEqual(3);
		for (const setting of ["SESSION_SECRET", "ALLOWED_HOSTS", "SESSION_IDLE_DAYS"]) expect(error.message).toContain(setting);
		for (const value of ["id-visible-nowhere", "tiny-secret", "host-visible-nowhere", "forever-and-ever"])
			expect(error.message).not.toContain(value);
		expect(error.name).toBe("ConfigError");
	});

	it("readPublicConfig needs no secrets, and has none", () => {
		const config = readPublicConfig({ ALLOWED_HOSTS: "mcp.example.com" });
		expect(config.allowedHosts).toEqual(["mcp.example.com"]);
		expect(JSON.stringify(config)).not.toMatch(/secret|github/i);
	});
});

describe("isLoopbackHost", () => {
	it.each([
		["localhost", true],
		["LOCALHOST", true],
		["mcp.localhost", true],
		["127.0.0.1", true],
		["127.255.0.9", true],
		["[::1]", true],
		["::1", true],
		["localhost.evil.com", false],
		["evillocalhost", false],
		["127.0.0.1.evil.com", false],
		["128.0.0.1", false],
		["127.0.0", false],
		["0.0.0.0", false],
		["::", false],
	])("%s: %s", (host, loopback) => {
		expect(isLoopbackHost(host)).toBe(loopback);
	});
});
