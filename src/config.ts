/**
 * The one place that reads configuration. Every setting the Worker takes from `env` (secrets and
 * vars, see wrangler.jsonc and .dev.vars.example) is parsed and validated here with zod, so a
 * missing or weak setting fails with a message that names the setting and how to fix it, and
 * never echoes its value. Nothing else in src/ reads a setting from `env`; bindings (KV, Durable
 * Objects, rate limiters) are used where they are needed.
 */
import { z } from "zod";

/** Hosts for which plain `http` is acceptable: the machine itself (local dev, the GitHub stand-in). */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
	return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The one list parser: comma- or whitespace-separated, trimmed, empty items dropped. */
export function parseList(value: unknown): string[] {
	if (typeof value !== "string") return [];
	return value
		.split(/[\s,]+/)
		.map((item) => item.trim())
		.filter(Boolean);
}

/** The checks every base URL setting passes: https (or http on loopback), nothing but a URL. */
const urlChecks = (name: string, example: string) =>
	z
		.string()
		.refine((value) => URL.canParse(value), `${name} must be an absolute URL such as ${example}`)
		.transform((value) => new URL(value))
		.refine(
			(url) => url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)),
			`${name} must use https (plain http is allowed only for a loopback host such as 127.0.0.1)`,
		)
		.refine(
			(url) => !url.username && !url.password && !url.search && !url.hash,
			`${name} must not contain credentials, a query or a fragment`,
		)
		.transform((url) => url.toString().replace(/\/+$/, ""));

/** An absolute base URL: https, or http on loopback. Trailing slashes are dropped. */
const baseUrl = (name: string, fallback: string) =>
	z
		.string()
		.trim()
		.optional()
		.transform((value) => (value === undefined || value === "" ? fallback : value))
		.pipe(urlChecks(name, fallback));

const SECRET_HINT = "Set it in .dev.vars for local development, or with `npx wrangler secret put` for a deployment.";

const secret = (name: string, minLength: number, hint: string) =>
	z
		.string({ error: `${name} is not set. ${hint}` })
		.trim()
		.min(1, `${name} is empty. ${hint}`)
		.min(minLength, `${name} is too short: it must be at least ${minLength} characters. ${hint}`);

const sessionSecret = (name: string) =>
	secret(name, 32, `Generate one with \`openssl rand -hex 32\`. ${SECRET_HINT}`).refine(
		(value) => new Set(value).size >= 8,
		`${name} is too weak: use a random value (\`openssl rand -hex 32\`).`,
	);

/** A whole number setting with a default and bounds; empty means the default. */
const count = (name: string, fallback: number, min: number, max: number) =>
	z
		.string()
		.trim()
		.optional()
		.transform((value) => (value === undefined || value === "" ? String(fallback) : value))
		.pipe(
			z
				.string()
				.regex(/^\d+$/, `${name} must be a whole number from ${min} to ${max} (default ${fallback}).`)
				.transform(Number)
				.refine((value) => value >= min && value <= max, `${name} must be from ${min} to ${max} (default ${fallback}).`),
		);

/** GitHub App slugs as GitHub makes them (lowercase letters, digits and hyphens). */
const appSlug = z
	.string()
	.trim()
	.optional()
	.transform((value) => (value ? value : null))
	.refine(
		(value) => value === null || /^[a-z0-9][a-z0-9-]{0,99}$/.test(value),
		"GITHUB_APP_SLUG must be the app's URL name, e.g. my-mcp-server.",
	);

/** A list setting: every item normalised by `item`, or the setting refused with `message` (never the value). */
const listOf = (item: (value: string) => string | null, message: string) =>
	z
		.string()
		.optional()
		.transform((value, context) => {
			const out: string[] = [];
			for (const raw of parseList(value)) {
				const normalised = item(raw);
				if (normalised === null) {
					context.addIssue({ code: "custom", message });
					return z.NEVER;
				}
				out.push(normalised);
			}
			return out;
		});

const origins = listOf((item) => {
	const url = URL.canParse(item) ? new URL(item) : null;
	return url && (url.protocol === "https:" || url.protocol === "http:") ? url.origin : null;
}, "ALLOWED_ORIGINS must list web origins such as https://app.example.com.");

// Hostnames only: no scheme, port or path, so the check cannot be widened by accident.
const hostnames = listOf(
	(item) => (/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(item.toLowerCase()) ? item.toLowerCase() : null),
	"ALLOWED_HOSTS must list hostnames such as mcp.example.com (no scheme or port; *.example.com for subdomains).",
);

const JURISDICTIONS = ["eu", "fedramp"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

const jurisdiction = z
	.string()
	.optional()
	.transform((value) => (value === undefined || value === "" ? undefined : value))
	.refine(
		(value) => value === undefined || (JURISDICTIONS as readonly string[]).includes(value),
		'MCP_JURISDICTION must be empty, "eu" or "fedramp".',
	)
	.transform((value) => value as Jurisdiction | undefined);

/** Everything but the secrets: what the authless variant and the MCP guard's first checks need. */
const PublicSchema = z.object({
	ALLOWED_ORIGINS: origins,
	ALLOWED_HOSTS: hostnames,
	MCP_JURISDICTION: jurisdiction,
	SESSION_IDLE_DAYS: count("SESSION_IDLE_DAYS", 7, 1, 365),
	MAX_SESSIONS_PER_GRANT: count("MAX_SESSIONS_PER_GRANT", 10, 1, 1000),
	AUDIT_RETENTION_DAYS: count("AUDIT_RETENTION_DAYS", 90, 1, 3650),
});

const SecretSchema = z.object({
	GITHUB_BASE_URL: baseUrl("GITHUB_BASE_URL", "https://github.com"),
	GITHUB_API_URL: baseUrl("GITHUB_API_URL", "https://api.github.com"),
	GITHUB_APP_SLUG: appSlug,
	ALLOWED_GITHUB_LOGINS: z
		.string()
		.optional()
		.transform((value) => parseList(value).map((item) => item.toLowerCase())),
	ALLOWED_GITHUB_ORGS: z
		.string()
		.optional()
		.transform((value) => parseList(value).map((item) => item.toLowerCase())),
});

export interface PublicConfig {
	/** Browser origins (besides this server's own and loopback pages) allowed to call the MCP endpoints. */
	allowedOrigins: string[];
	/** Hostnames this Worker answers on, besides loopback and *.workers.dev (DNS rebinding defence). */
	allowedHosts: string[];
	jurisdiction: Jurisdiction | undefined;
	/** An MCP session's Durable Object deletes its storage after this many idle days. */
	sessionIdleDays: number;
	/** Open MCP sessions one grant (one connected client) may hold. */
	maxSessionsPerGrant: number;
	/** How long write-tool audit entries are kept for the connections page. */
	auditRetentionDays: number;
}

export interface GitHubConfig {
	/** Where users sign in: https://github.com or a GitHub Enterprise Server. */
	baseUrl: string;
	/** The REST API: https://api.github.com or <ghes>/api/v3. */
	apiUrl: string;
	/** Set for a GitHub App (its URL name): sign-in asks for no OAuth scopes, and errors link to its installation page. */
	appSlug: string | null;
}

export interface Config extends PublicConfig {
	github: GitHubConfig;
	/** Signs MCP session ids, the browser session cookie and remembered consent; encrypts stored GitHub tokens. */
	sessionSecret: string;
	/** Who may use the restricted (write) tools; both empty means everyone. */
	writeAllowList: { logins: string[]; orgs: string[] };
	/** Deprecated setting names still in use, for a warning in the log. */
	deprecated: string[];
}

/** A configuration problem the operator must fix. `issues` names settings, never values. */
export class ConfigError extends Error {
	override readonly name = "ConfigError";
	constructor(readonly issues: readonly string[]) {
		super(`Invalid configuration: ${issues.join(" ")}`);
	}
}

const SETTINGS = [
	...Object.keys(PublicSchema.shape),
	...Object.keys(SecretSchema.shape),
	"SESSION_SECRET",
	"COOKIE_ENCRYPTION_KEY",
] as const;

// Read on every request, several times: each env object's result is kept (an env object never
// changes), and results by the settings' values, since every request's env is an object of its own
// (worker.ts) whose settings rarely change within an isolate.
const cache = new Map<string, Config | ConfigError>();
const publicCache = new Map<string, PublicConfig | ConfigError>();
const byEnv = new WeakMap<object, Config | ConfigError>();
const publicByEnv = new WeakMap<object, PublicConfig | ConfigError>();

/** Reads and validates the whole configuration, or throws a ConfigError listing every problem. */
export function readConfig(env: object): Config {
	return memoByEnv(byEnv, env, () => parseConfig(env));
}

function parseConfig(env: object): Config {
	const raw = pickStrings(env, SETTINGS);
	return memo(cache, raw, () => {
		const problems: string[] = [];
		const publicPart = PublicSchema.safeParse(raw);
		const secretPart = SecretSchema.safeParse(raw);
		if (!publicPart.success) problems.push(...messages(publicPart.error));
		if (!secretPart.success) problems.push(...messages(secretPart.error));
		// SESSION_SECRET replaces COOKIE_ENCRYPTION_KEY, which is still accepted (deprecated).
		const deprecated: string[] = [];
		let secretName = "SESSION_SECRET";
		if (raw.SESSION_SECRET === undefined && raw.COOKIE_ENCRYPTION_KEY !== undefined) {
			secretName = "COOKIE_ENCRYPTION_KEY";
			deprecated.push("COOKIE_ENCRYPTION_KEY (rename it to SESSION_SECRET)");
		}
		const sessionPart = sessionSecret(secretName).safeParse(raw[secretName]);
		if (!sessionPart.success) problems.push(...messages(sessionPart.error));
		if (problems.length > 0 || !publicPart.success || !secretPart.success || !sessionPart.success) throw new ConfigError(problems);
		const p = publicPart.data;
		const s = secretPart.data;
		// Once per isolate and configuration (parsing is memoised): names only, never values.
		if (deprecated.length > 0) console.warn(JSON.stringify({ type: "config_deprecated", settings: deprecated }));
		return {
			...toPublic(p),
			github: {
				baseUrl: s.GITHUB_BASE_URL,
				apiUrl: s.GITHUB_API_URL,
				appSlug: s.GITHUB_APP_SLUG,
			},
			sessionSecret: sessionPart.data,
			writeAllowList: { logins: s.ALLOWED_GITHUB_LOGINS, orgs: s.ALLOWED_GITHUB_ORGS },
			deprecated,
		};
	});
}

/**
 * The settings of the identity provider users sign in with (src/upstream/) are the provider's
 * own: readConfig does not require them, so another provider needs no GitHub credentials. A
 * provider module declares them with PROVIDER_SETTING and reads them with readProviderSettings,
 * validated like everything here (errors name the setting, never its value).
 */
export const PROVIDER_SETTING = {
	/** A required secret, e.g. a client secret: `what` says where its value comes from. */
	secret: (name: string, what: string) => secret(name, 1, `${what} ${SECRET_HINT}`),
	/** A required base URL (https, or http on loopback), e.g. an issuer. */
	url: (name: string, example: string) =>
		z
			.string({ error: `${name} is not set. It is a URL such as ${example}.` })
			.trim()
			.pipe(urlChecks(name, example)),
	/** An optional base URL with a default. */
	urlWithDefault: baseUrl,
};

type SettingsShape = Record<string, z.ZodType<unknown, string | undefined>>;
type Settings<S extends SettingsShape> = { [K in keyof S]: z.output<S[K]> };

const providerCache = new Map<string, unknown>();

/** An identity provider's settings from `env`, or a ConfigError listing every problem. */
export function readProviderSettings<S extends SettingsShape>(env: object, shape: S): Settings<S> {
	const raw = pickStrings(env, Object.keys(shape));
	return memo(providerCache as Map<string, Settings<S> | ConfigError>, raw, () => {
		const parsed = z.object(shape).safeParse(raw);
		if (!parsed.success) throw new ConfigError(messages(parsed.error));
		return parsed.data as Settings<S>;
	});
}

/** What the GitHub provider (an OAuth App, or a GitHub App with GITHUB_APP_SLUG) signs in with. */
export interface GitHubSignInConfig extends GitHubConfig {
	clientId: string;
	clientSecret: string;
}

const GITHUB_SIGN_IN = {
	GITHUB_CLIENT_ID: PROVIDER_SETTING.secret("GITHUB_CLIENT_ID", "It is the Client ID of your GitHub OAuth App or GitHub App."),
	GITHUB_CLIENT_SECRET: PROVIDER_SETTING.secret("GITHUB_CLIENT_SECRET", "It is a client secret of your GitHub OAuth App or GitHub App."),
};

/** The GitHub provider's settings: its app's credentials, and where GitHub is (readConfig().github). */
export function readGithubSignInConfig(env: object): GitHubSignInConfig {
	const credentials = readProviderSettings(env, GITHUB_SIGN_IN);
	return { ...readConfig(env).github, clientId: credentials.GITHUB_CLIENT_ID, clientSecret: credentials.GITHUB_CLIENT_SECRET };
}

/** The settings that are not secrets: enough for the authless variant and the first checks. */
export function readPublicConfig(env: object): PublicConfig {
	return memoByEnv(publicByEnv, env, () => {
		const raw = pickStrings(env, SETTINGS);
		return memo(publicCache, raw, () => {
			const parsed = PublicSchema.safeParse(raw);
			if (!parsed.success) throw new ConfigError(messages(parsed.error));
			return toPublic(parsed.data);
		});
	});
}

function memoByEnv<T>(store: WeakMap<object, T | ConfigError>, env: object, read: () => T): T {
	let entry = store.get(env);
	if (entry === undefined) {
		entry = settle(read);
		store.set(env, entry);
	}
	if (entry instanceof ConfigError) throw entry;
	return entry;
}

/** A setting's value, or the ConfigError that reading it raised (kept like a value, so it is not re-parsed). */
function settle<T>(read: () => T): T | ConfigError {
	try {
		return read();
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		return error;
	}
}

function toPublic(p: z.infer<typeof PublicSchema>): PublicConfig {
	return {
		allowedOrigins: p.ALLOWED_ORIGINS,
		allowedHosts: p.ALLOWED_HOSTS,
		jurisdiction: p.MCP_JURISDICTION,
		sessionIdleDays: p.SESSION_IDLE_DAYS,
		maxSessionsPerGrant: p.MAX_SESSIONS_PER_GRANT,
		auditRetentionDays: p.AUDIT_RETENTION_DAYS,
	};
}

function memo<T>(store: Map<string, T | ConfigError>, raw: Record<string, string | undefined>, parse: () => T): T {
	const key = JSON.stringify(raw);
	let entry = store.get(key);
	if (entry === undefined) {
		entry = settle(parse);
		if (store.size > 8) store.clear();
		store.set(key, entry);
	}
	if (entry instanceof ConfigError) throw entry;
	return entry;
}

function messages(error: z.ZodError): string[] {
	return error.issues.map((issue) => issue.message);
}

// Bindings such as KV are objects; only string settings are configuration. A non-string value
// for a setting is reported as missing rather than stringified (it could be a secret object).
function pickStrings(env: object, keys: readonly string[]): Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	for (const key of keys) {
		const value: unknown = Reflect.get(env, key);
		out[key] = typeof value === "string" ? value : undefined;
	}
	return out;
}
