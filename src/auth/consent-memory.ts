/**
 * Remembered consent: "Remember this app" on the consent page lets a later authorization by the
 * same user, for the same client, redirect URI and resource, asking for no more scopes, skip the
 * page. The approvals themselves are the OAuth library's (approveConsent({ remember }) and
 * isConsentRemembered(): a signed `__Host-oauth-approvals` cookie, keyed by client, redirect URI,
 * resource and subject, holding the approved scopes), signed with a key derived for this purpose
 * (keys.ts "consent-memory/v1").
 *
 * Why it is built this way. The approval should belong to a user (`subject`), so that another
 * GitHub account signing in on the same browser is asked again. But this server learns who the
 * user is only after consent, from GitHub. So:
 *
 * 1. The consent page posts `remember`; it travels, server-side, in the upstream transaction.
 * 2. At /callback, once GitHub has said who signed in, the approval is written with that user as
 *    its subject (through a consent transaction opened and approved on the spot, so the library
 *    signs and stores it), and a long-lived signed `__Host-mcp-consent-hint` cookie remembers that
 *    user id for this browser. The hint is not a session and grants nothing by itself.
 * 3. At GET /authorize the hint is the subject asked about. If the approval covers the request,
 *    the page is skipped and the browser goes straight to GitHub, with the hinted user id kept in
 *    the upstream transaction.
 * 4. At /callback of a skipped consent, the user GitHub signed in must be the hinted one. If not
 *    (someone else's GitHub session in this browser), nothing is stored, the hint is cleared, and
 *    the user gets an error page: they never saw a consent page for that account.
 *
 * Revoking a client on /connections must not let it come straight back through a remembered
 * approval (possibly in another browser), nor through one made before the revocation once the
 * user approves the client again somewhere. So approvals are written for a subject that names the
 * user's current "approval epoch" for that client, and a revocation moves to the next epoch:
 * every approval made before it, in any browser, stops matching for good, and a new approval is
 * made for the new epoch. `consent-epoch:<userId>:<sha256(clientId)>` in KV, kept as long as the
 * longest approval (REMEMBER_SECONDS) after its last change; without one the epoch is 0 and the
 * subject is the plain user id. Forgetting on /connections clears this browser's approvals and hint.
 */
import type { AuthRequest, OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import type { Context } from "hono";
import { generateCookie, generateSignedCookie, getSignedCookie } from "hono/cookie";
import { z } from "zod";
import { toHex } from "../encoding";
import { derivedSecret } from "../keys";

/** How long an approval (and the hint) is remembered. */
export const REMEMBER_SECONDS = 30 * 24 * 60 * 60;
/** The library's approvals cookie: its default cookiePrefix ("__Host-oauth-") + "approvals". */
export const APPROVALS_COOKIE = "__Host-oauth-approvals";
/** The hint cookie, without the `__Host-` prefix hono adds. */
const HINT_COOKIE = "mcp-consent-hint";
export const HINT_COOKIE_NAME = `__Host-${HINT_COOKIE}`;

const HINT_OPTIONS = { prefix: "host", path: "/", secure: true, httpOnly: true, sameSite: "Lax" } as const;
const HintSchema = z.object({ v: z.literal(1), sub: z.string().min(1).max(255) });

export function consentMemorySecret(sessionSecret: string): Promise<string> {
	return derivedSecret(sessionSecret, "consent-memory/v1");
}

/** The user this browser last remembered an approval for, or null. */
export async function hintedUser(c: Context, sessionSecret: string): Promise<string | null> {
	const value = await getSignedCookie(c, await consentMemorySecret(sessionSecret), HINT_COOKIE, "host");
	if (!value) return null;
	try {
		const parsed = HintSchema.safeParse(JSON.parse(value));
		return parsed.success ? parsed.data.sub : null;
	} catch {
		return null;
	}
}

function epochKey(userId: string, clientIdHash: string): string {
	return `consent-epoch:${userId}:${clientIdHash}`;
}

async function currentEpoch(kv: KVNamespace, userId: string, hash: string): Promise<number> {
	const stored = Number(await kv.get(epochKey(userId, hash)));
	if (Number.isSafeInteger(stored) && stored > 0) return stored;
	// 0.2's first form of a revocation (a marker until the next approval): approvals made before
	// it were made for the plain user id, epoch 0, so it counts as one revocation.
	return (await kv.get(`consent-revoked:${userId}:${hash}`)) === null ? 0 : 1;
}

/** The subject approvals of `userId` for `clientId` are made for, in the current epoch. */
async function approvalSubject(kv: KVNamespace, userId: string, clientId: string): Promise<string> {
	const epoch = await currentEpoch(kv, userId, await hashClientId(clientId));
	return epoch === 0 ? userId : `${userId}#${epoch}`;
}

async function hashClientId(clientId: string): Promise<string> {
	return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(clientId)));
}

/** Whether `userId` remembered an approval, in this browser, that covers this request. */
export async function isRemembered(
	oauth: OAuthHelpers,
	kv: KVNamespace,
	request: Request,
	authRequest: AuthRequest,
	userId: string,
	sessionSecret: string,
): Promise<boolean> {
	const secret = await consentMemorySecret(sessionSecret);
	// Only approvals made since the client was last revoked match (see the epoch, above).
	const subject = await approvalSubject(kv, userId, authRequest.clientId);
	return oauth.isConsentRemembered(request, authRequest, { secret, subject });
}

/**
 * The Set-Cookie lines that remember `approved` for `userId` in this browser: the library's
 * approvals cookie (existing approvals kept) and the hint; made for the current epoch.
 */
export async function rememberApproval(
	oauth: OAuthHelpers,
	kv: KVNamespace,
	request: Request,
	approved: AuthRequest,
	userId: string,
	sessionSecret: string,
): Promise<string[]> {
	const secret = await consentMemorySecret(sessionSecret);
	// approveConsent() is the library's only way to write an approval. The user approved on the
	// consent page already; this transaction exists only to carry that approval, now that the
	// subject is known, and is consumed at once.
	const consent = await oauth.beginConsent(approved);
	const binding = consent.headers.getSetCookie().map((line) => line.split(";", 1)[0] ?? "");
	const cookies = [request.headers.get("Cookie"), ...binding].filter(Boolean).join("; ");
	const carrier = new Request(request.url, { headers: { Cookie: cookies } });
	const remembered = await oauth.approveConsent(carrier, consent.handle, {
		scope: approved.scope,
		remember: { secret, subject: await approvalSubject(kv, userId, approved.clientId), maxAgeSeconds: REMEMBER_SECONDS },
	});
	const hint = await generateSignedCookie(HINT_COOKIE, JSON.stringify({ v: 1, sub: userId }), secret, {
		...HINT_OPTIONS,
		maxAge: REMEMBER_SECONDS,
	});
	return [...remembered.headers.getSetCookie().filter((line) => line.startsWith(`${APPROVALS_COOKIE}=`)), hint];
}

/** A client was revoked: no approval this user remembered for it so far lets it skip the consent page again. */
export async function forgetClient(kv: KVNamespace, userId: string, clientId: string): Promise<void> {
	const hash = await hashClientId(clientId);
	const next = (await currentEpoch(kv, userId, hash)) + 1;
	await kv.put(epochKey(userId, hash), String(next), { expirationTtl: REMEMBER_SECONDS });
}

/** Set-Cookie lines that clear the hint. */
export function clearHintCookie(): string {
	return generateCookie(HINT_COOKIE, "", { ...HINT_OPTIONS, maxAge: 0 });
}

/** Set-Cookie lines that forget every approval remembered in this browser, and the hint. */
export function forgetAllCookies(): string[] {
	return [`${APPROVALS_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`, clearHintCookie()];
}
