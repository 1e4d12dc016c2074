/** Reading the project's Markdown the way a person does: sections by heading, tables by row. */

/** The text under a heading (any level), up to the next heading of the same or a higher level. */
export function section(markdown: string, heading: string): string {
	const lines = markdown.split("\n");
	const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, "").trim() === heading);
	if (start < 0) throw new Error(`No heading "${heading}"`);
	const level = (lines[start]?.match(/^#+/)?.[0] ?? "#").length;
	const end = lines.findIndex((line, index) => index > start && new RegExp(`^#{1,${level}} `).test(line));
	return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/**
 * The rows of the first table in `text` whose header row has `firstColumn` as its first cell,
 * each row as its cells (trimmed, the header and the separator left out).
 */
export function table(text: string, firstColumn: string): string[][] {
	const lines = text.split("\n");
	const header = lines.findIndex((line) => line.startsWith("|") && cells(line)[0] === firstColumn);
	if (header < 0) throw new Error(`No table starting with the column "${firstColumn}"`);
	const rows: string[][] = [];
	for (const line of lines.slice(header + 2)) {
		if (!line.startsWith("|")) break;
		rows.push(cells(line));
	}
	return rows;
}

function cells(line: string): string[] {
	return line
		.replace(/^\|/, "")
		.replace(/\|\s*$/, "")
		.split("|")
		.map((cell) => cell.trim());
}

/** The `code` spans of a piece of Markdown, in order. */
export function codeSpans(text: string): string[] {
	return [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? "");
}
