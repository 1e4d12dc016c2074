/** Everything a test run writes to the console, captured (and kept off the output) for inspection. */
import { vi } from "vitest";

const METHODS = ["log", "info", "warn", "error", "debug"] as const;

/**
 * Captures every console line from now on; restore with `vi.restoreAllMocks()`. Returns a reader
 * of all lines so far. Objects are rendered as JSON, errors with their message and stack, so a
 * secret inside either is found.
 */
export function captureConsole(): () => string {
	const lines: string[] = [];
	for (const method of METHODS) {
		vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			lines.push(args.map(render).join(" "));
		});
	}
	return () => lines.join("\n");
}

function render(value: unknown): string {
	if (typeof value === "string") return value;
	if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ""}`;
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}
