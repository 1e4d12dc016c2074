// @ts-check
/**
 * The tokens the stand-in issues and how they live and die: an OAuth App's `gho_` tokens, which
 * never expire, and a GitHub App's expiring user access tokens (`ghu_`) with rotating refresh
 * tokens (`ghr_`).
 *
 * GitHub App semantics, from "Refreshing user access tokens"
 * (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens):
 * the access token lives 8 hours and the refresh token 6 months; "once you use a refresh token,
 * that refresh token and the old user access token will no longer work". Here the lifetimes are
 * settable (globally, or for one login) so tests can watch tokens expire within seconds.
 */
import { randomBytes } from "node:crypto";
import { githubTime } from "./http.mjs";
import { APP_ACCESS_TOKEN_TTL_SECONDS, APP_REFRESH_TOKEN_TTL_SECONDS } from "./seed.mjs";

/**
 * Faults a minted token can carry: every API call with it fails this way. The body faults let the
 * call do what it does (a write is carried out) and then spoil the answer after its headers:
 * `slow_body` sends the body only after SLOW_BODY_MS, `cut_body` sends half of it and drops the
 * connection.
 */
export const TOKEN_FAULTS = /** @type {const} */ ([
	"unauthorized",
	"forbidden",
	"rate_limited",
	"server_error",
	"hang",
	"slow_body",
	"cut_body",
]);
/** @typedef {typeof TOKEN_FAULTS[number]} TokenFault */
/** @param {TokenFault} fault @returns {fault is "slow_body" | "cut_body"} */
export const isBodyFault = (fault) => fault === "slow_body" || fault === "cut_body";

/** @typedef {{ kind: "oauth" | "app", login: string, scopes: string[], fault?: TokenFault, expiresAt?: number, family?: number }} TokenRecord */
/** @typedef {{ login: string, family: number, expiresAt: number, accessToken: string, status: "live" | "used" | "killed", fault?: TokenFault }} RefreshRecord */
/** @typedef {{ accessTokenTtlSeconds: number, refreshTokenTtlSeconds: number }} AppTokenSettings */
/** @typedef {{ at: string, login: string | null, refreshToken: string, result: "rotated" | "bad_refresh_token", reason?: "unknown" | "used" | "expired" | "killed", accessToken?: string, newRefreshToken?: string }} RefreshLogEntry */

/** How long an unused lifetime setting may be: a year, far beyond anything a test needs. */
const MAX_TTL_SECONDS = 366 * 24 * 60 * 60;

/** @param {string} prefix */
const newToken = (prefix) => `${prefix}_${randomBytes(18).toString("hex")}`;

/**
 * @param {unknown} value @param {string} name
 * @returns {{ value: number | undefined } | { error: string }}
 */
function parseTtl(value, name) {
	if (value === undefined) return { value: undefined };
	if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_TTL_SECONDS) {
		return { error: `${name} must be a whole number of seconds from 0 to ${MAX_TTL_SECONDS}` };
	}
	return { value };
}

/**
 * Lifetimes from a request body: either may be left out.
 * @param {Record<string, unknown>} input
 * @returns {{ settings: Partial<AppTokenSettings> } | { error: string }}
 */
export function parseAppTokenSettings(input) {
	const access = parseTtl(input.accessTokenTtlSeconds, "accessTokenTtlSeconds");
	if ("error" in access) return access;
	const refresh = parseTtl(input.refreshTokenTtlSeconds, "refreshTokenTtlSeconds");
	if ("error" in refresh) return refresh;
	return {
		settings: {
			...(access.value === undefined ? {} : { accessTokenTtlSeconds: access.value }),
			...(refresh.value === undefined ? {} : { refreshTokenTtlSeconds: refresh.value }),
		},
	};
}

/** @param {{ accessTokenTtlSeconds?: number, refreshTokenTtlSeconds?: number }} [options] */
export function createTokenStore(options = {}) {
	/** Access tokens of both kinds. @type {Map<string, TokenRecord>} */
	const tokens = new Map();
	/** Refresh tokens, kept after use so a reuse can be told apart (and logged). @type {Map<string, RefreshRecord>} */
	const refreshTokens = new Map();
	/** @type {(RefreshLogEntry & { family: number | null })[]} */
	const refreshLog = [];
	/** @type {AppTokenSettings} */
	const settings = {
		accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? APP_ACCESS_TOKEN_TTL_SECONDS,
		refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? APP_REFRESH_TOKEN_TTL_SECONDS,
	};
	/** Lifetimes for one login's future tokens, so a test's short lifetimes touch no other test. @type {Map<string, Partial<AppTokenSettings>>} */
	const settingsPerLogin = new Map();
	/** Each sign-in starts a family; rotation continues it. */
	let nextFamily = 1;

	/**
	 * A new access and refresh token pair, in GitHub's token response shape.
	 * @param {string} login @param {number} family @param {{ fault?: TokenFault } & Partial<AppTokenSettings>} overrides
	 */
	function issuePair(login, family, { fault: tokenFault, ...lifetimeOverrides }) {
		const lifetimes = { ...appSettings(login), ...withoutUndefined(lifetimeOverrides) };
		const now = Date.now();
		const accessToken = newToken("ghu");
		const refreshToken = newToken("ghr");
		const fault = tokenFault ? { fault: tokenFault } : {};
		tokens.set(accessToken, { kind: "app", login, scopes: [], family, expiresAt: now + lifetimes.accessTokenTtlSeconds * 1000, ...fault });
		refreshTokens.set(refreshToken, {
			login,
			family,
			accessToken,
			status: "live",
			expiresAt: now + lifetimes.refreshTokenTtlSeconds * 1000,
			...fault,
		});
		return {
			access_token: accessToken,
			expires_in: lifetimes.accessTokenTtlSeconds,
			refresh_token: refreshToken,
			refresh_token_expires_in: lifetimes.refreshTokenTtlSeconds,
			token_type: "bearer",
			scope: "",
		};
	}

	/** @param {string | undefined} login @returns {AppTokenSettings} */
	function appSettings(login) {
		return { ...settings, ...(login ? settingsPerLogin.get(login.toLowerCase()) : {}) };
	}

	return {
		/** @param {{ login: string, scopes: string[], fault?: TokenFault }} grant */
		issueOAuthToken({ login, scopes, fault }) {
			const token = newToken("gho");
			tokens.set(token, { kind: "oauth", login, scopes, ...(fault ? { fault } : {}) });
			return token;
		},

		/** A GitHub App sign-in: a new family. @param {string} login @param {{ fault?: TokenFault } & Partial<AppTokenSettings>} [overrides] */
		issueAppTokens: (login, overrides = {}) => issuePair(login, nextFamily++, overrides),

		/**
		 * `grant_type=refresh_token`: rotate a live refresh token, or say why not. The used refresh
		 * token and the access token issued with it stop working.
		 * @param {string} refreshToken
		 */
		rotate(refreshToken) {
			const record = refreshTokens.get(refreshToken);
			/** @type {RefreshLogEntry["reason"]} */
			let reason;
			if (!record) reason = "unknown";
			else if (record.status !== "live") reason = record.status;
			else if (record.expiresAt <= Date.now()) reason = "expired";
			const base = { at: githubTime(), login: record?.login ?? null, family: record?.family ?? null, refreshToken };
			if (!record || reason) {
				refreshLog.push({ ...base, result: "bad_refresh_token", ...(reason ? { reason } : {}) });
				return undefined;
			}
			record.status = "used";
			tokens.delete(record.accessToken);
			const pair = issuePair(record.login, record.family, record.fault ? { fault: record.fault } : {});
			refreshLog.push({ ...base, result: "rotated", accessToken: pair.access_token, newRefreshToken: pair.refresh_token });
			return pair;
		},

		/** Who a refresh token belongs to, whatever its state. @param {string} refreshToken */
		refreshTokenOwner: (refreshToken) => refreshTokens.get(refreshToken)?.login,

		/** Make a refresh token dead, as if the user revoked the app. @param {string} refreshToken */
		killRefreshToken(refreshToken) {
			const record = refreshTokens.get(refreshToken);
			if (!record) return false;
			record.status = "killed";
			return true;
		},

		/** The record behind a credential, whether or not it still works. @param {string} credential */
		peek: (credential) => tokens.get(credential),

		/** The record behind a credential the API accepts: known and not expired. @param {string} credential */
		lookup(credential) {
			const record = tokens.get(credential);
			if (!record || (record.expiresAt !== undefined && record.expiresAt <= Date.now())) return undefined;
			return record;
		},

		appSettings,

		/** @param {Partial<AppTokenSettings>} changes @param {string} [login] */
		setAppSettings(changes, login) {
			if (login) settingsPerLogin.set(login.toLowerCase(), { ...settingsPerLogin.get(login.toLowerCase()), ...changes });
			else Object.assign(settings, changes);
			return appSettings(login);
		},

		/**
		 * The refresh log: every refresh_token grant with a known or unknown token, oldest first;
		 * optionally one login's, or one family's (named by any refresh token in it).
		 * @param {{ login?: string | null, refreshToken?: string | null }} filter
		 * @returns {RefreshLogEntry[]}
		 */
		refreshes({ login, refreshToken }) {
			const family = refreshToken ? refreshTokens.get(refreshToken)?.family : undefined;
			return refreshLog
				.filter((entry) => !login || entry.login?.toLowerCase() === login.toLowerCase())
				.filter((entry) => !refreshToken || entry.refreshToken === refreshToken || (family !== undefined && entry.family === family))
				.map(({ family: _family, ...entry }) => entry);
		},
	};
}

/** @template {object} T @param {T} value @returns {Partial<T>} */
function withoutUndefined(value) {
	return /** @type {Partial<T>} */ (Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)));
}

/** @typedef {ReturnType<typeof createTokenStore>} TokenStore */
