/** The `status` every write tool reports, so a program (and the audit trail) can tell what happened. */
import { z } from "zod";

export const WRITE_STATUSES = ["created", "declined", "cancelled", "refused", "failed", "unknown"] as const;
export type WriteStatus = (typeof WRITE_STATUSES)[number];

export const WRITE_STATUS = z
	.enum(WRITE_STATUSES)
	.describe(
		"created; declined or cancelled (the user's decision); refused (not allowed, or the client cannot ask); failed (nothing was written); unknown (GitHub failed mid-request: it may or may not have been written).",
	);
