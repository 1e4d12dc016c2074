/** The GitHub stand-in's seeded users, as the tests know them (scripts/github-standin/seed.mjs). */
import type { GrantProps } from "../../src/props";
import type { UpstreamTokens } from "../../src/upstream/types";

export const OCTOCAT = { id: "583231", login: "octocat", name: "The Octocat", email: "octocat@github.com" } as const;
export const HUBOT = { id: "480938", login: "hubot", name: null, email: null } as const;

/** A grant's props for a user and a GitHub token (the shape /callback stores). */
export function grantProps(user: GrantProps["user"], upstream: UpstreamTokens): GrantProps {
	return { v: 2, user: { ...user }, upstream, signedInAt: Date.now() };
}
