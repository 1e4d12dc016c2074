/**
 * The props of a grant: written once by /callback (encrypted at rest by the OAuth provider),
 * read by the MCP agent and its tools. The schema is the contract between the two, so tools
 * narrow `this.props` through `parseProps` instead of trusting its type.
 */
import { z } from "zod";

export const PropsSchema = z.object({
	/** GitHub's numeric user id: stable across renames, so it is also the OAuth `userId`. */
	githubId: z.number().int().positive(),
	login: z.string().min(1),
	name: z.string().nullable(),
	/** The public email, or the primary verified email when the `user:email` scope was granted. */
	email: z.string().nullable(),
	/** The user's GitHub OAuth access token. Never logged, never returned by a tool. */
	accessToken: z.string().min(1),
	/** The GitHub OAuth scopes GitHub actually granted (the user or an org policy may narrow them). */
	scopes: z.array(z.string()),
});

export type Props = z.infer<typeof PropsSchema>;

/** What an MCP session sees: the grant's props plus the MCP scopes of the token that opened it. */
export const SessionPropsSchema = PropsSchema.extend({
	mcpScopes: z.array(z.string()),
});

export type SessionProps = z.infer<typeof SessionPropsSchema>;

export function parseSessionProps(value: unknown): SessionProps | null {
	const parsed = SessionPropsSchema.safeParse(value);
	return parsed.success ? parsed.data : null;
}

/** Narrows unknown props; `null` when they are absent or not of this schema (for example, an older grant). */
export function parseProps(value: unknown): Props | null {
	const parsed = PropsSchema.safeParse(value);
	return parsed.success ? parsed.data : null;
}
