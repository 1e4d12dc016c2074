/** The paging arguments and result fields the list tools share (GitHub's per_page and page). */
import { z } from "zod";

/** `per_page` and `page`, with the noun the tool lists in their descriptions. */
export function pagingArgs(noun: string, defaultPerPage = 30, maxPage?: number) {
	const page = z.number().int().min(1);
	return {
		per_page: z.number().int().min(1).max(100).default(defaultPerPage).describe(`${noun} per page, 1 to 100. Default: ${defaultPerPage}.`),
		page: (maxPage ? page.max(maxPage) : page)
			.default(1)
			.describe(
				maxPage
					? `Which page, 1 to ${maxPage} (GitHub returns at most ${maxPage * 100} results). Default: 1.`
					: "Which page, starting at 1. Default: 1.",
			),
	};
}

export const PAGE_OUTPUT = {
	page: z.number(),
	has_next_page: z.boolean(),
};
