/**
 * The guard's loader of the 2026-07-28 lane as it was before it loaded lazily: a static import, so
 * the lane loads with the Worker. Only `npm run bench -- --levers` builds it, to measure what the
 * lazy loading (src/mcp/lanes/load-modern.ts) buys; never deployed.
 */
import * as modern from "../../src/mcp/lanes/modern";

export const loadModernLane = async () => modern;
