/**
 * The audit trail of write-tool calls: one entry per call, whatever its outcome (created,
 * declined, cancelled, refused, failed, unknown), with the user, the client, the tool and what it
 * acted on; never a token or the text written. The operator reads them in Workers Logs (one JSON
 * line each, `"type":"audit"`); the user reads their own on /connections (kept in their
 * UserStore for AUDIT_RETENTION_DAYS).
 */
import type { PublicConfig } from "../config";
import { userStore } from "../state/stubs";
import type { AuditEntry } from "../state/user-store";

export type { AuditEntry };

export type AuditSink = (entry: Omit<AuditEntry, "at" | "lane">) => Promise<void>;

export function auditSink(
	env: Env,
	config: Pick<PublicConfig, "jurisdiction" | "auditRetentionDays">,
	lane: AuditEntry["lane"],
): AuditSink {
	return async (partial) => {
		const entry: AuditEntry = { at: Date.now(), lane, ...partial };
		console.log(JSON.stringify({ type: "audit", ...entry }));
		try {
			await userStore(env, config.jurisdiction, entry.userId).auditAppend(entry, config.auditRetentionDays);
		} catch (error) {
			// The log line above is the operator's record; the user's copy is best effort.
			console.error(JSON.stringify({ type: "audit_store_failed", error: error instanceof Error ? error.name : "unknown" }));
		}
	};
}
