/**
 * The one place that reads configuration. Everything the Worker needs from `env` (secrets and
 * vars) is validated here with zod, so a missing or weak setting fails with a message that names
 * the setting and how to fix it, and never echoes its value.
 */
import { z } from "zod";

/** Hosts for which plain `http` is acceptable: the machine itself (local dev, the GitHub stand-in). */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
	return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** An absolute base URL: https, or http on loopback. Trailing slashes are dropped. */
const baseUrl = (name: string, fallback: string) =>
	z
		.string()
		.trim()
		.optional()
		.transform((value) => (value === undefined || value === "" ? fallback : value))
		.pipe(
			z
				.string()
				.refine((value) => URL.canParse(value), `${name} must be an absolute URL such as ${fallback}`)
				.transform((value) => new URL(value))
				.refine(
					(url) => url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)),
					`${name} must use https (plain http is allowed only for a loopback host such as 127.0.0.1)`,
				)
				.refine(
					(url) => !url.username && !url.password && !url.search && !url.hash,
					`${name} must not contain credentials, a query or a fragment`,
				)
				.transform((url) => url.toString().replace(/\/+$/, "")),
		);

const secret = (name: string, minLength: number, hint: string) =>
	z
		.string({ error: `${name} is not set. ${hint}` })
		.trim()
		.min(1, `${name} is empty. ${hint}`)
		.min(minLength, `${name} is too short: it must be at least ${minLength} characters. ${hint}`);

const SECRET_HINT = "Set it in .dev.vars for local development, or with `npx wrangler secret put` for a deployment.";

const ConfigSchema = z.object({
	GITHUB_CLIENT_ID: secret("GITHUB_CLIENT_ID", 1, `It is the Client ID of your GitHub OAuth App. ${SECRET_HINT}`),
	GITHUB_CLIENT_SECRET: secret("GITHUB_CLIENT_SECRET", 1, `It is a client secret of your GitHub OAuth App. ${SECRET_HINT}`),
	COOKIE_ENCRYPTION_KEY: secret("COOKIE_ENCRYPTION_KEY", 32, `Generate one with \`openssl rand -hex 32\`. ${SECRET_HINT}`).refine(
		(value) => new Set(value).size >= 8,
		"COOKIE_ENCRYPTION_KEY is too weak: use a random value (`openssl rand -hex 32`).",
	),
	GITHUB_BASE_URL: baseUrl("GITHUB_BASE_URL", "https://github.com"),
	GITHUB_API_URL: baseUrl("GITHUB_API_URL", "https://api.github.com"),
});

export type Config = z.infer<typeof ConfigSchema>;

/** The subset the MCP tools need: they call the API, never the OAuth endpoints. */
export type ApiConfig = Pick<Config, "GITHUB_API_URL">;

const JURISDICTIONS = ["eu", "fedramp"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/**
 * MCP_JURISDICTION: where the session Durable Objects live ("eu", "fedramp"), or anywhere when
 * empty. An unknown value is a configuration error, not a silent fallback to anywhere.
 */
export function readJurisdiction(env: object): Jurisdiction | undefined {
	const value: unknown = Reflect.get(env, "MCP_JURISDICTION");
	if (value === undefined || value === "") return undefined;
	if (typeof value === "string" && (JURISDICTIONS as readonly string[]).includes(value)) return value as Jurisdiction;
	throw new ConfigError([`MCP_JURISDICTION must be empty, "eu" or "fedramp".`]);
}

/** A configuration problem the operator must fix. `issues` names settings, never values. */
export class ConfigError extends Error {
	override readonly name = "ConfigError";
	constructor(readonly issues: readonly string[]) {
		super(`Invalid configuration: ${issues.join(" ")}`);
	}
}

function issuesOf(error: z.ZodError): string[] {
	return error.issues.map((issue) => issue.message);
}

/** Reads and validates the whole configuration, or throws a ConfigError listing every problem. */
export function readConfig(env: object): Config {
	const parsed = ConfigSchema.safeParse(pickStrings(env, Object.keys(ConfigSchema.shape)));
	if (!parsed.success) throw new ConfigError(issuesOf(parsed.error));
	return parsed.data;
}

/** Only the API URL: what the MCP agent needs (it never sees the OAuth App's secrets). */
export function readApiConfig(env: object): ApiConfig {
	const parsed = ConfigSchema.pick({ GITHUB_API_URL: true }).safeParse(pickStrings(env, ["GITHUB_API_URL"]));
	if (!parsed.success) throw new ConfigError(issuesOf(parsed.error));
	return parsed.data;
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
