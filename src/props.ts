/**
 * The props of a grant: written once by /callback, encrypted at rest by the OAuth provider, handed
 * back with every access token (and replaced at an MCP token refresh with the current upstream
 * tokens). The schema is the contract between /callback, the token refresh and the MCP guard, so
 * props are always narrowed through `parseGrantProps`, never trusted by type.
 */
import { z } from "zod";
import { UpstreamTokensSchema, UpstreamUserSchema } from "./upstream/types";

export const GrantPropsSchema = z.object({
	v: z.literal(2),
	/** The signed-in user (provider-neutral). */
	user: UpstreamUserSchema,
	/** The identity provider's tokens. Never logged, never returned by a tool, never stored elsewhere in plain text. */
	upstream: UpstreamTokensSchema,
	/** When the user signed in (epoch ms). */
	signedInAt: z.number().int().positive(),
});

export type GrantProps = z.infer<typeof GrantPropsSchema>;

/** Props written by version 0.1 of this template (GitHub-specific, flat): still accepted. */
const LegacyPropsSchema = z.object({
	githubId: z.number().int().positive(),
	login: z.string().min(1),
	name: z.string().nullable(),
	email: z.string().nullable(),
	accessToken: z.string().min(1),
	scopes: z.array(z.string()),
});

/** Narrows unknown props; `null` when they are absent or of no known schema. */
export function parseGrantProps(value: unknown): GrantProps | null {
	const current = GrantPropsSchema.safeParse(value);
	if (current.success) return current.data;
	const legacy = LegacyPropsSchema.safeParse(value);
	if (!legacy.success) return null;
	const { githubId, login, name, email, accessToken, scopes } = legacy.data;
	return { v: 2, user: { id: String(githubId), login, name, email }, upstream: { accessToken, scopes }, signedInAt: 1 };
}
