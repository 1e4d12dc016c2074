/** `get_file`: a text file's contents at a branch, tag or commit, size-capped. */
import { z } from "zod";
import { GitRef, REPOSITORY_ARGS, RepoPath } from "../../github/names";
import { defineTool } from "../define";
import { errorResult, structuredResult, withGithub } from "../results";

/** TEMPLATE: the largest file returned whole; larger files are refused with a clear message. */
export const MAX_FILE_BYTES = 100 * 1024;

export default defineTool({
	name: "get_file",
	scope: "github:read",
	toolset: "files",
	title: "Read a file from a GitHub repository",
	description: `Returns the text of one file in a repository at a branch, tag or commit (default: the default branch). Files over ${MAX_FILE_BYTES / 1024} KiB and binary files are not returned; a directory path returns its listing instead.`,
	input: {
		...REPOSITORY_ARGS,
		path: RepoPath,
		ref: GitRef.optional(),
	},
	output: {
		path: z.string(),
		type: z.enum(["file", "dir"]),
		size: z.number().describe("Size in bytes (files)."),
		text: z.string().nullable().describe("The file's text; null for a directory."),
		entries: z
			.array(z.object({ name: z.string(), type: z.string(), path: z.string() }))
			.describe("A directory's entries; empty for a file."),
		html_url: z.string().nullable(),
	},
	annotations: { readOnlyHint: true, openWorldHint: true },
	example: { owner: "octocat", repo: "repo-a-0", path: "README.md" },
	handler: async ({ owner, repo, path, ref }, context) =>
		withGithub(context, `read ${path || "/"} in ${owner}/${repo}`, async (github) => {
			const cleanPath = path.replace(/^\/+|\/+$/g, "");
			const { data } = await github.request("GET /repos/{owner}/{repo}/contents/{path}", {
				owner,
				repo,
				path: cleanPath,
				...(ref ? { ref } : {}),
			});
			if (Array.isArray(data)) {
				const entries = data.map((entry) => ({ name: entry.name, type: entry.type, path: entry.path }));
				return structuredResult(
					`${owner}/${repo}/${cleanPath} is a directory:\n${entries.map((entry) => `- ${entry.path}${entry.type === "dir" ? "/" : ""}`).join("\n")}`,
					{ path: cleanPath, type: "dir", size: 0, text: null, entries, html_url: null },
				);
			}
			if (data.type !== "file") return errorResult(`${cleanPath} is a ${data.type}, not a file.`);
			if (data.size > MAX_FILE_BYTES) {
				return errorResult(
					`${cleanPath} is ${formatSize(data.size)}, over this tool's limit of ${formatSize(MAX_FILE_BYTES)}. Open it on GitHub instead: ${data.html_url ?? ""}`.trim(),
				);
			}
			const bytes = "content" in data && typeof data.content === "string" ? base64ToBytes(data.content) : new Uint8Array();
			const text = decodeText(bytes);
			if (text === null) return errorResult(`${cleanPath} is a binary file (${formatSize(data.size)}); only text files can be read.`);
			return structuredResult(text, {
				path: cleanPath,
				type: "file",
				size: data.size,
				text,
				entries: [],
				html_url: data.html_url ?? null,
			});
		}),
});

function base64ToBytes(content: string): Uint8Array {
	const binary = atob(content.replace(/\s+/g, ""));
	return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** UTF-8 text, or null for binary content (a NUL byte, or bytes that are not UTF-8). */
function decodeText(bytes: Uint8Array): string | null {
	if (bytes.includes(0)) return null;
	try {
		return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		return null;
	}
}

function formatSize(bytes: number): string {
	return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KiB`;
}
