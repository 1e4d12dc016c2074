/**
 * One Durable Object per grant (one connected MCP client of one user), named `<userId>:<grantId>`.
 * It keeps what must be shared by every request of the grant, one at a time:
 *
 * - The grant's upstream (GitHub) tokens, once they have been refreshed. GitHub App user tokens
 *   expire after 8 hours and come with a refresh token GitHub rotates on every use, so two
 *   concurrent refreshes with the same refresh token would lose the grant. This object is the one
 *   place that refreshes: concurrent callers share one refresh, and the rotated pair is stored
 *   here, encrypted (AES-GCM, key derived from SESSION_SECRET, the grant as associated data).
 *   Until the first refresh, the tokens in the grant's props (encrypted by the OAuth library) are
 *   the current ones and nothing is stored here.
 * - The grant's open MCP sessions (2025 lane), to cap them (MAX_SESSIONS_PER_GRANT) and to
 *   delete them all when the grant ends.
 *
 * Methods return results instead of throwing: errors do not keep their class across RPC.
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../config";
import { base64UrlDecode, base64UrlEncode } from "../encoding";
import { aesKey } from "../keys";
import { identityProvider } from "../upstream";
import { needsRefresh, UpstreamError, type UpstreamTokens, UpstreamTokensSchema } from "../upstream/types";

/** A session counts as open while it was used within this window. */
export const SESSION_OPEN_WINDOW_MS = 60 * 60 * 1000;
/** A reservation not confirmed within this time (the session was never created) is dropped. */
const RESERVATION_TTL_MS = 60 * 1000;
/** This object forgets everything this long after its last use (grants live at most 30 days without a refresh). */
const IDLE_TTL_MS = 45 * 24 * 60 * 60 * 1000;

export type TokenResult =
	| { ok: true; tokens: UpstreamTokens }
	/** revoked: the upstream refuses this grant for good. unavailable: try again later. */
	| { ok: false; reason: "revoked" | "unavailable" };

export type ReserveResult = { ok: true; reservation: string } | { ok: false; open: number; retryAfterSeconds: number };

export class GrantStore extends DurableObject<Env> {
	#refreshing: Promise<TokenResult> | null = null;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		ctx.blockConcurrencyWhile(async () => this.#createSchema());
	}

	#createSchema(): void {
		this.ctx.storage.sql.exec(
			`CREATE TABLE IF NOT EXISTS sessions (name TEXT PRIMARY KEY, created INTEGER NOT NULL, seen INTEGER NOT NULL, confirmed INTEGER NOT NULL)`,
		);
	}

	/**
	 * The grant's current upstream tokens: the stored ones (after a refresh), otherwise `seed`
	 * (the tokens in the grant's props). Refreshed first when they are about to expire.
	 */
	async tokens(seed: UpstreamTokens): Promise<TokenResult> {
		await this.#touch();
		const current = (await this.#load()) ?? seed;
		if (!needsRefresh(current)) return { ok: true, tokens: current };
		return this.#refresh(current);
	}

	/**
	 * The upstream refused `stale` (HTTP 401). A newer token if another request already refreshed,
	 * otherwise a refresh now; `revoked` when there is nothing left to refresh with.
	 */
	async renewAfterUnauthorized(stale: string, seed: UpstreamTokens): Promise<TokenResult> {
		await this.#touch();
		const current = (await this.#load()) ?? seed;
		if (current.accessToken !== stale) return { ok: true, tokens: current };
		if (!current.refreshToken) return { ok: false, reason: "revoked" };
		return this.#refresh(current);
	}

	#refresh(current: UpstreamTokens): Promise<TokenResult> {
		// One refresh at a time: GitHub rotates the refresh token, so a second refresh with the
		// same one would fail and end the grant. Callers that arrive meanwhile share the result.
		this.#refreshing ??= (async (): Promise<TokenResult> => {
			if (!current.refreshToken) return { ok: false, reason: "revoked" };
			try {
				const refreshed = await identityProvider(this.env).refresh(current.refreshToken);
				// RFC 6749 §6: a provider may answer without a new refresh token (GitHub always rotates
				// it; many OpenID Connect providers never do): the one used stays the grant's.
				const fresh: UpstreamTokens = refreshed.refreshToken
					? refreshed
					: {
							...refreshed,
							refreshToken: current.refreshToken,
							...(current.refreshTokenExpiresAt ? { refreshTokenExpiresAt: current.refreshTokenExpiresAt } : {}),
						};
				await this.#store(fresh);
				return { ok: true, tokens: fresh };
			} catch (error) {
				if (error instanceof UpstreamError && (error.kind === "revoked" || error.kind === "bad_client")) {
					console.warn(JSON.stringify({ type: "upstream_refresh_failed", reason: error.kind, detail: error.internal }));
					return { ok: false, reason: "revoked" };
				}
				console.warn(
					JSON.stringify({
						type: "upstream_refresh_failed",
						reason: "unavailable",
						detail: error instanceof UpstreamError ? error.internal : "unexpected",
					}),
				);
				return { ok: false, reason: "unavailable" };
			}
		})().finally(() => {
			this.#refreshing = null;
		});
		return this.#refreshing;
	}

	/** Takes a place for a new session, unless the grant already has `max` open ones. */
	async reserveSession(max: number): Promise<ReserveResult> {
		await this.#touch();
		const now = Date.now();
		this.ctx.storage.sql.exec(`DELETE FROM sessions WHERE confirmed = 0 AND created < ?`, now - RESERVATION_TTL_MS);
		const open = this.ctx.storage.sql
			.exec<{ n: number; oldest: number | null }>(
				`SELECT COUNT(*) AS n, MIN(seen) AS oldest FROM sessions WHERE seen >= ?`,
				now - SESSION_OPEN_WINDOW_MS,
			)
			.toArray()[0] ?? { n: 0, oldest: null };
		if (open.n >= max) {
			// The earliest moment a place frees up: the least recently used session goes idle.
			const retryAfterSeconds = Math.max(1, Math.ceil(((open.oldest ?? now) + SESSION_OPEN_WINDOW_MS - now) / 1000));
			return { ok: false, open: open.n, retryAfterSeconds };
		}
		const reservation = `pending:${crypto.randomUUID()}`;
		this.ctx.storage.sql.exec(`INSERT INTO sessions (name, created, seen, confirmed) VALUES (?, ?, ?, 0)`, reservation, now, now);
		return { ok: true, reservation };
	}

	/** The session a reservation was for now exists, under this Durable Object name. */
	async confirmSession(reservation: string, sessionName: string): Promise<void> {
		const now = Date.now();
		this.ctx.storage.sql.exec(`DELETE FROM sessions WHERE name = ?`, reservation);
		this.ctx.storage.sql.exec(
			`INSERT OR REPLACE INTO sessions (name, created, seen, confirmed) VALUES (?, ?, ?, 1)`,
			sessionName,
			now,
			now,
		);
	}

	/** A session was used (called by the session itself, at most every few minutes). */
	async touchSession(sessionName: string): Promise<void> {
		this.ctx.storage.sql.exec(`UPDATE sessions SET seen = ? WHERE name = ?`, Date.now(), sessionName);
	}

	/** A session ended (DELETE, idle cleanup, reservation abandoned). */
	async releaseSession(name: string): Promise<void> {
		this.ctx.storage.sql.exec(`DELETE FROM sessions WHERE name = ?`, name);
	}

	/** The names of the grant's sessions (open or idle, not yet deleted). */
	listSessions(): string[] {
		return this.ctx.storage.sql
			.exec<{ name: string }>(`SELECT name FROM sessions WHERE confirmed = 1 ORDER BY created`)
			.toArray()
			.map((row) => row.name);
	}

	/**
	 * The grant ended (revoked, or its upstream access is gone): delete every session's stored
	 * state (a session lives on a moment, without storage, to answer a call in flight), and
	 * everything here.
	 */
	async end(): Promise<void> {
		const jurisdiction = readConfig(this.env).jurisdiction;
		const namespace = jurisdiction ? this.env.MCP_OBJECT.jurisdiction(jurisdiction) : this.env.MCP_OBJECT;
		await Promise.allSettled(this.listSessions().map((name) => namespace.get(namespace.idFromName(name)).endSession()));
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
		// The object lives on after deleteAll: a second end() (the upstream refused a refresh, then
		// the library revoked the grant) or a request still in flight must find an empty table.
		this.#createSchema();
	}

	override async alarm(): Promise<void> {
		const last = (await this.ctx.storage.get<number>("lastUsed")) ?? 0;
		if (Date.now() - last >= IDLE_TTL_MS) await this.end();
		else await this.ctx.storage.setAlarm(last + IDLE_TTL_MS);
	}

	// --- the vault ---------------------------------------------------------------------------

	async #touch(): Promise<void> {
		const now = Date.now();
		const last = (await this.ctx.storage.get<number>("lastUsed")) ?? 0;
		if (now - last < 60 * 60 * 1000) return;
		await this.ctx.storage.put("lastUsed", now);
		if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + IDLE_TTL_MS);
	}

	async #key(): Promise<CryptoKey> {
		return aesKey(readConfig(this.env).sessionSecret, "token-vault/v1");
	}

	#aad(): Uint8Array {
		return new TextEncoder().encode(`grant-store/v1\n${this.ctx.id.toString()}`);
	}

	async #load(): Promise<UpstreamTokens | null> {
		const sealed = await this.ctx.storage.get<{ iv: string; data: string }>("tokens");
		if (!sealed) return null;
		const iv = base64UrlDecode(sealed.iv);
		const data = base64UrlDecode(sealed.data);
		if (!iv || !data) return null;
		try {
			const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: this.#aad() }, await this.#key(), data);
			const parsed = UpstreamTokensSchema.safeParse(JSON.parse(new TextDecoder().decode(plain)));
			return parsed.success ? parsed.data : null;
		} catch {
			// SESSION_SECRET was rotated: the stored tokens cannot be read; the props' tokens apply.
			return null;
		}
	}

	async #store(tokens: UpstreamTokens): Promise<void> {
		const iv = crypto.getRandomValues(new Uint8Array(12));
		const data = await crypto.subtle.encrypt(
			{ name: "AES-GCM", iv, additionalData: this.#aad() },
			await this.#key(),
			new TextEncoder().encode(JSON.stringify(tokens)),
		);
		await this.ctx.storage.put("tokens", { iv: base64UrlEncode(iv), data: base64UrlEncode(data) });
	}
}
