/**
 * Which tools a client wants to see on this connection: toolsets and read-only mode, chosen per
 * connection in the URL (`/mcp?toolsets=issues,repos&readonly=1`, the same on /sse) or in headers
 * (`X-MCP-Toolsets`, `X-MCP-Readonly`, as GitHub's own MCP server takes them). The URL wins when
 * both are given. Narrowing only: a view never shows a tool the token's scopes do not allow.
 */

import type { ToolView } from "../caller";
import { TOOLSETS, type Toolset } from "../define";

export type ViewResult = { ok: true; view: ToolView } | { ok: false; message: string };

const TOOLSET_NAMES = Object.keys(TOOLSETS) as Toolset[];

export function parseView(url: URL, headers: Headers): ViewResult {
	const toolsetsRaw = url.searchParams.get("toolsets") ?? headers.get("x-mcp-toolsets");
	const readonlyRaw = url.searchParams.get("readonly") ?? headers.get("x-mcp-readonly");

	let toolsets: Toolset[] | null = null;
	if (toolsetsRaw !== null && toolsetsRaw.trim() !== "" && toolsetsRaw.trim().toLowerCase() !== "all") {
		const names = [...new Set(toolsetsRaw.split(",").map((name) => name.trim().toLowerCase()))].filter(Boolean);
		const unknown = names.filter((name) => !(TOOLSET_NAMES as string[]).includes(name));
		if (unknown.length > 0) {
			return {
				ok: false,
				message: `Unknown toolset ${JSON.stringify(unknown[0]?.slice(0, 40))}. Toolsets: ${TOOLSET_NAMES.join(", ")} (or all).`,
			};
		}
		toolsets = TOOLSET_NAMES.filter((name) => names.includes(name));
	}

	let readonly = false;
	if (readonlyRaw !== null) {
		const value = readonlyRaw.trim().toLowerCase();
		if (value === "1" || value === "true" || value === "yes") readonly = true;
		else if (value === "0" || value === "false" || value === "no" || value === "") readonly = false;
		else return { ok: false, message: "readonly must be 1 or 0 (true or false)." };
	}
	return { ok: true, view: { toolsets, readonly } };
}
