/**
 * The 2026-07-28 lane, loaded on first use. The MCP SDK v2 server builds its protocol schemas when
 * it loads, which costs start-up CPU in every isolate; an isolate that serves only the sign-in
 * pages, or only 2025-era sessions in their Durable Objects, never needs it. The guard loads it
 * with the first /mcp request, whose lane it chooses with the SDK's classifier. Nothing else
 * changes: the same modules run, later. (BENCHMARKS.md, build lever `lazy-2026-lane`.)
 */
export const loadModernLane = () => import("./modern");
