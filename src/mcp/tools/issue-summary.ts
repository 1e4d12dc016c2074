/** The trimmed shape of an issue that the issue tools share (GitHub's is ~60 fields). */
import { z } from "zod";

export const IssueSummarySchema = z.object({
	number: z.number(),
	title: z.string(),
	state: z.string().describe("open or closed"),
	is_pull_request: z.boolean(),
	author: z.string().nullable(),
	labels: z.array(z.string()),
	comments: z.number(),
	created_at: z.string(),
	updated_at: z.string(),
	html_url: z.string(),
});

export type IssueSummary = z.infer<typeof IssueSummarySchema>;

interface GithubIssue {
	number: number;
	title: string;
	state: string;
	pull_request?: unknown;
	user?: { login: string } | null;
	labels?: (string | { name?: string | null })[];
	comments?: number;
	created_at: string;
	updated_at: string;
	html_url: string;
}

export function summarizeIssue(issue: GithubIssue): IssueSummary {
	return {
		number: issue.number,
		title: issue.title,
		state: issue.state,
		is_pull_request: issue.pull_request !== undefined && issue.pull_request !== null,
		author: issue.user?.login ?? null,
		labels: (issue.labels ?? []).map((label) => (typeof label === "string" ? label : (label.name ?? ""))).filter(Boolean),
		comments: issue.comments ?? 0,
		created_at: issue.created_at,
		updated_at: issue.updated_at,
		html_url: issue.html_url,
	};
}

export function formatIssueLine(issue: IssueSummary, repository?: string): string {
	const where = repository ? `${repository}#${issue.number}` : `#${issue.number}`;
	const kind = issue.is_pull_request ? "PR " : "";
	const labels = issue.labels.length ? ` [${issue.labels.join(", ")}]` : "";
	return `- ${kind}${where} (${issue.state}) ${issue.title}${labels} — by ${issue.author ?? "unknown"}, ${issue.comments} comments, updated ${issue.updated_at}`;
}
