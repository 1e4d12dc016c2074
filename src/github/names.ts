/**
 * GitHub's naming rules as argument schemas, so an argument can only ever be the name it claims to
 * be. Together with the client's path check (client.ts) this keeps every tool call on the endpoint
 * its route names: no `.`, `..`, slash or percent sign can reach a path segment.
 *
 * - Accounts (users, organisations): letters, digits, hyphens; Enterprise Managed Users add an
 *   `_shortcode` suffix. Never a dot. https://docs.github.com/en/enterprise-cloud@latest/admin/managing-iam/iam-configuration-reference/username-considerations-for-external-authentication
 * - Repositories: letters, digits, `.`, `-`, `_`; GitHub reserves names made only of dots.
 * - File paths: `/`-separated parts, none empty, `.` or `..`, no backslash or control character.
 */
import { z } from "zod";

const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const REPOSITORY = /^[A-Za-z0-9._-]+$/;
const CONTROL = /\p{Cc}/u;

export function isAccountName(value: string): boolean {
	return value.length >= 1 && value.length <= 100 && ACCOUNT.test(value);
}

export function isRepositoryName(value: string): boolean {
	return value.length >= 1 && value.length <= 100 && REPOSITORY.test(value) && !/^\.+$/.test(value);
}

/** A repository file path: "" for the root, otherwise parts joined by "/" (outer slashes ignored). */
export function isRepositoryPath(value: string): boolean {
	const trimmed = value.replace(/^\/+|\/+$/g, "");
	if (trimmed === "") return true;
	return trimmed.split("/").every((part) => part !== "" && part !== "." && part !== ".." && !part.includes("\\") && !CONTROL.test(part));
}

export const OwnerName = z
	.string()
	.refine(isAccountName, "owner must be a GitHub account name: letters, digits, hyphens (and _ for managed users), no dots or slashes")
	.describe("The account that owns the repository, e.g. octocat.");

export const RepoName = z
	.string()
	.refine(isRepositoryName, "repo must be a GitHub repository name: letters, digits, '.', '-', '_', not only dots")
	.describe("The repository name without the owner, e.g. hello-world.");

export const RepoPath = z
	.string()
	.max(1024)
	.refine(isRepositoryPath, "path must be a file path inside the repository: no empty, '.' or '..' parts, no backslashes")
	.describe('The file\'s path from the repository root, e.g. "src/index.ts". Empty for the root listing.');

export const GitRef = z
	.string()
	.min(1)
	.max(255)
	.refine((value) => !CONTROL.test(value) && !value.includes(".."), "ref must be a branch, tag or commit SHA")
	.describe("A branch, tag or commit SHA. Default: the repository's default branch.");

/** The `owner` and `repo` arguments every repository tool takes. */
export const REPOSITORY_ARGS = { owner: OwnerName, repo: RepoName };
