/**
 * The test-only identity provider stays out of the production bundle: the Worker that `wrangler
 * deploy` uploads (scripts/build/, wrangler.jsonc's build.command; the build CI measures) is made
 * from src/ alone, with GitHub selected at the seam. Only the `seam` test project swaps
 * src/upstream/index.ts, in its own build.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/wrangler-dev.mjs";

describe("the production bundle", () => {
	it("holds the GitHub provider and nothing from test/", async () => {
		const outdir = await mkdtemp(join(tmpdir(), "seam-bundle-"));
		try {
			await promisify(execFile)(process.execPath, ["scripts/build/index.mjs", "--outdir", outdir, "--metafile"], { cwd: PROJECT_ROOT });
			const meta = JSON.parse(await readFile(join(outdir, "bundle-meta.json"), "utf8")) as { inputs: Record<string, unknown> };
			const inputs = Object.keys(meta.inputs);
			expect(inputs).toContain("src/upstream/index.ts");
			expect(inputs).toContain("src/upstream/github.ts");
			expect(inputs.filter((input) => input.startsWith("test/"))).toEqual([]);
			const bundle = await readFile(join(outdir, "index.js"), "utf8");
			expect(bundle).not.toContain("OIDC_ISSUER");
		} finally {
			await rm(outdir, { recursive: true, force: true });
		}
	});
});
