/**
 * The `TEMPLATE:` marks in the code: each place a template user is meant to change, with the name
 * it marks. A mark names what follows it: the declaration after a TypeScript comment, the key (or
 * the binding's "name") after a wrangler.jsonc comment, the file itself when the mark is in the
 * file's header comment, and the section it sits in for a Markdown comment.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export interface TemplateMark {
	/** The file, relative to the project root, with forward slashes. */
	file: string;
	/** What it marks; null for the whole file. */
	name: string | null;
	line: number;
}

/** Where marks may be: the code, the Worker configurations and the README (never the tests). */
const SCANNED_DIRECTORIES = ["src", "scripts"];
const SCANNED_ROOT_FILES = /^(?:wrangler.*\.jsonc|README\.md)$/;

export function findTemplateMarks(root: string): TemplateMark[] {
	const files = [
		...SCANNED_DIRECTORIES.flatMap((directory) => walk(join(root, directory))),
		...readdirSync(root)
			.filter((name) => SCANNED_ROOT_FILES.test(name))
			.map((name) => join(root, name)),
	];
	return files.flatMap((path) => marksIn(relative(root, path).split("\\").join("/"), readFileSync(path, "utf8")));
}

function walk(directory: string): string[] {
	return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
		const path = join(directory, entry.name);
		if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(path);
		return /\.(?:ts|mjs|js|jsonc)$/.test(entry.name) ? [path] : [];
	});
}

function marksIn(file: string, text: string): TemplateMark[] {
	const lines = text.split("\n");
	const marks: TemplateMark[] = [];
	const markdown = file.endsWith(".md");
	lines.forEach((line, index) => {
		// Only in comments: `<!-- TEMPLATE: … -->` in Markdown, `// TEMPLATE:`, `/** TEMPLATE:` or ` * TEMPLATE:` in code.
		if (!(markdown ? /<!--\s*TEMPLATE:/ : /(?:\/\/|\/\*\*?|^\s*\*)\s*TEMPLATE:/).test(line)) return;
		marks.push({ file, name: markdown ? markdownSection(lines, index) : markedName(file, lines, index), line: index + 1 });
	});
	return marks;
}

const COMMENT_LINE = /^\s*(?:\/\/|\/\*\*?|\*|\*\/)/;

function markedName(file: string, lines: string[], markIndex: number): string | null {
	// A mark in the comment that opens the file is about the whole file.
	const inHeader = lines.slice(0, markIndex + 1).every((line) => COMMENT_LINE.test(line) || line.trim() === "");
	if (inHeader && markIndex < 3) return null;
	// Otherwise: the first line of code after the comment the mark is in.
	let code: string | undefined;
	for (let index = markIndex + 1; index < lines.length; index++) {
		const line = lines[index] ?? "";
		if (line.trim() === "" || COMMENT_LINE.test(line)) continue;
		code = line;
		break;
	}
	if (code === undefined) throw new Error(`${file}:${markIndex + 1}: a TEMPLATE: mark with nothing after it`);
	const name = file.endsWith(".jsonc") ? jsoncName(code) : typescriptName(code);
	if (name === null) throw new Error(`${file}:${markIndex + 1}: cannot tell what this TEMPLATE: mark names (${code.trim()})`);
	return name;
}

function typescriptName(code: string): string | null {
	return /^\s*(?:export\s+)?(?:default\s+)?(?:const|let|function|class|type|interface|enum)\s+([A-Za-z_$][\w$]*)/.exec(code)?.[1] ?? null;
}

function jsoncName(code: string): string | null {
	// `{ "name": "X", … }` (a binding) names X; `"KEY": …` names KEY.
	return /^\s*\{\s*"name"\s*:\s*"([^"]+)"/.exec(code)?.[1] ?? /^\s*"([^"]+)"\s*:/.exec(code)?.[1] ?? null;
}

function markdownSection(lines: string[], markIndex: number): string {
	for (let index = markIndex; index >= 0; index--) {
		const heading = /^#{1,6} (.+)$/.exec(lines[index] ?? "");
		if (heading?.[1]) return heading[1].trim();
	}
	return "";
}
