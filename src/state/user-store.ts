/**
 * One Durable Object per user (named by the user's id): the state the stateless 2026-07-28 lane
 * needs, and the audit trail of the user's write-tool calls.
 *
 * - counter: the demo counter of add_to_counter for 2026-07-28 clients (2025-era sessions keep
 *   their own, per session, in the McpAgent);
 * - github_cache: GitHub responses by URL for conditional requests (If-None-Match → 304 does not
 *   count against the rate limit), at most CACHE_ENTRIES, none older than CACHE_MAX_AGE_DAYS, and
 *   all deleted when any of the user's grants ends (what was read stays only while it helps);
 * - audit: every write-tool call (tool, target, outcome, client; never a token or the text
 *   written), kept AUDIT_RETENTION_DAYS, shown to the user on /connections.
 *
 * Tools that need none of this never reach it: the stateless lane calls it only from the counter
 * and the cache.
 */
import { DurableObject } from "cloudflare:workers";
import type { CachedResponse } from "../github/client";

/** How many GitHub responses a user's cache keeps. */
const CACHE_ENTRIES = 200;
/** How long a cached GitHub response is kept after it was stored. */
const CACHE_MAX_AGE_DAYS = 7;
/** How many audit entries are kept at most, whatever their age. */
const AUDIT_ENTRIES = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditEntry {
	/** Epoch ms. */
	at: number;
	userId: string;
	login: string;
	clientId: string;
	tool: string;
	/** What the call acted on, e.g. octocat/hello-world#12. */
	target: string;
	outcome: "created" | "declined" | "cancelled" | "refused" | "failed" | "unknown" | "done";
	/** Which lane served the call. */
	lane: "session" | "stateless";
}

export class UserStore extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		ctx.blockConcurrencyWhile(async () => {
			this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)`);
			this.ctx.storage.sql.exec(
				`CREATE TABLE IF NOT EXISTS github_cache (url TEXT PRIMARY KEY, etag TEXT NOT NULL, body TEXT NOT NULL, link TEXT, stored_at INTEGER NOT NULL)`,
			);
			this.ctx.storage.sql.exec(
				`CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, entry TEXT NOT NULL)`,
			);
		});
	}

	counterValue(): number {
		const row = this.ctx.storage.sql.exec<{ value: number }>(`SELECT value FROM counter WHERE id = 1`).toArray()[0];
		return row?.value ?? 0;
	}

	counterAdd(amount: number): number {
		if (!Number.isSafeInteger(amount)) throw new TypeError("amount must be a whole number");
		const value = this.counterValue() + amount;
		this.ctx.storage.sql.exec(`INSERT OR REPLACE INTO counter (id, value) VALUES (1, ?)`, value);
		return value;
	}

	cacheGet(url: string): CachedResponse | null {
		const row = this.ctx.storage.sql
			.exec<{ etag: string; body: string; link: string | null }>(`SELECT etag, body, link FROM github_cache WHERE url = ?`, url)
			.toArray()[0];
		return row ? { etag: row.etag, body: row.body, link: row.link } : null;
	}

	async cacheSet(url: string, entry: CachedResponse): Promise<void> {
		this.ctx.storage.sql.exec(
			`INSERT OR REPLACE INTO github_cache (url, etag, body, link, stored_at) VALUES (?, ?, ?, ?, ?)`,
			url,
			entry.etag,
			entry.body,
			entry.link,
			Date.now(),
		);
		this.#pruneCache();
		await this.#checkAgainTomorrow();
	}

	/** Forgets every cached GitHub response (one of the user's grants ended). */
	cacheClear(): void {
		this.ctx.storage.sql.exec(`DELETE FROM github_cache`);
	}

	async auditAppend(entry: AuditEntry, retentionDays: number): Promise<void> {
		this.ctx.storage.sql.exec(`INSERT INTO audit (at, entry) VALUES (?, ?)`, entry.at, JSON.stringify(entry));
		this.#prune(retentionDays);
		await this.#checkAgainTomorrow();
		await this.ctx.storage.put("retentionDays", retentionDays);
	}

	/** The newest entries first. */
	auditList(limit = 100): AuditEntry[] {
		return this.ctx.storage.sql
			.exec<{ entry: string }>(`SELECT entry FROM audit ORDER BY id DESC LIMIT ?`, Math.min(Math.max(limit, 1), AUDIT_ENTRIES))
			.toArray()
			.map((row) => JSON.parse(row.entry) as AuditEntry);
	}

	override async alarm(): Promise<void> {
		const retentionDays = (await this.ctx.storage.get<number>("retentionDays")) ?? 90;
		this.#prune(retentionDays);
		this.#pruneCache();
		const remaining =
			this.ctx.storage.sql
				.exec<{ n: number }>(`SELECT (SELECT COUNT(*) FROM audit) + (SELECT COUNT(*) FROM github_cache) AS n`)
				.toArray()[0]?.n ?? 0;
		if (remaining > 0) await this.ctx.storage.setAlarm(Date.now() + DAY_MS);
	}

	/** Audit and cache entries age out even when the user stops calling: the alarm checks daily. */
	async #checkAgainTomorrow(): Promise<void> {
		if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + DAY_MS);
	}

	#pruneCache(): void {
		this.ctx.storage.sql.exec(`DELETE FROM github_cache WHERE stored_at < ?`, Date.now() - CACHE_MAX_AGE_DAYS * DAY_MS);
		this.ctx.storage.sql.exec(
			`DELETE FROM github_cache WHERE url NOT IN (SELECT url FROM github_cache ORDER BY stored_at DESC LIMIT ?)`,
			CACHE_ENTRIES,
		);
	}

	#prune(retentionDays: number): void {
		this.ctx.storage.sql.exec(`DELETE FROM audit WHERE at < ?`, Date.now() - retentionDays * DAY_MS);
		this.ctx.storage.sql.exec(`DELETE FROM audit WHERE id NOT IN (SELECT id FROM audit ORDER BY id DESC LIMIT ?)`, AUDIT_ENTRIES);
	}
}
