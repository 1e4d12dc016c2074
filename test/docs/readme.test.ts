/**
 * The README says what the code does: its tables are checked against the definitions they
 * describe, so a tool, a scope, a setting, a TEMPLATE: mark or a conformance exception cannot be
 * added, renamed or removed in one place and not the other. (The connection commands are checked
 * in test/clients/instructions.test.ts.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { PROJECT_ROOT } from "../../scripts/wrangler-dev.mjs";
import { isWriteTool, TOOLSETS } from "../../src/mcp/define";
import { TOOLS } from "../../src/mcp/registry";
import { ALL_MCP_SCOPES, MCP_SCOPES } from "../../src/scopes";
import { GITHUB_SCOPES_FOR } from "../../src/upstream/github";
import { NOT_APPLICABLE } from "../clients/conformance";
import { codeSpans, section, table } from "./markdown";
import { findTemplateMarks } from "./template-marks";

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), "utf8");
const readme = read("README.md");

describe("README: Make it yours", () => {
	const marks = findTemplateMarks(PROJECT_ROOT);
	const rows = table(section(readme, "Make it yours"), "where").map(([where = ""]) => {
		const [file = "", name = null] = where.startsWith("`") ? codeSpans(where) : [];
		// `README.md` → Deploy to Cloudflare button: the row names a section, not a code span.
		const section = /→ (?!`)(.+)$/.exec(where)?.[1]?.trim();
		return { file, name: section ?? name, where };
	});
	const key = (place: { file: string; name: string | null }) => `${place.file} → ${place.name ?? "(the file)"}`;

	it("finds the marks it checks", () => {
		expect(marks.length).toBeGreaterThan(10);
		expect(rows.length).toBeGreaterThan(10);
	});

	it("lists every TEMPLATE: mark in the code", () => {
		const listed = new Set(rows.map(key));
		const missing = marks.filter((mark) => !listed.has(key(mark))).map((mark) => `${key(mark)} (line ${mark.line})`);
		expect(missing, "TEMPLATE: marks missing from the README's Make it yours table").toEqual([]);
	});

	it("lists only places that are marked TEMPLATE: in the code", () => {
		const marked = new Set(marks.map(key));
		expect(
			rows.filter((row) => !marked.has(key(row))).map((row) => row.where),
			"rows of the Make it yours table with no TEMPLATE: mark at that place",
		).toEqual([]);
	});
});

describe("README: the tool table", () => {
	const rows = table(section(readme, "Tools, resources and prompts"), "tool");

	// A row for every tool is not required: adding a tool is its module and a registry line
	// (CONTRIBUTING.md), and a README row is optional. What a row says must be true.
	const listed = rows.map(([tool = ""]) => codeSpans(tool)[0] ?? "");

	it("lists only defined tools, in the registry's order", () => {
		expect(listed.length).toBeGreaterThan(0);
		expect(listed).toEqual(TOOLS.map((tool) => tool.name).filter((name) => listed.includes(name)));
	});

	it.each(TOOLS.filter((tool) => listed.includes(tool.name)).map((tool) => [tool.name, tool] as const))(
		"gives %s's toolset, scope and kind as its definition does",
		(name, tool) => {
			const row = rows.find(([cell = ""]) => codeSpans(cell)[0] === name);
			const [, toolset = "", scope = "", kind = ""] = row ?? [];
			expect(toolset).toBe(`\`${tool.toolset}\``);
			expect(scope).toBe(tool.scope === null ? "none" : `\`${tool.scope}\``);
			expect(kind).toBe(`${isWriteTool(tool) ? "write" : "read"}${tool.restricted ? ", allow-list" : ""}`);
		},
	);

	it("names every toolset, and only those", () => {
		const text = section(readme, "Toolsets and read-only mode");
		const sentence = /The toolsets are (.+?)\(`TOOLSETS`/.exec(text)?.[1] ?? "";
		expect(codeSpans(sentence)).toEqual(Object.keys(TOOLSETS));
	});
});

describe("README: scopes", () => {
	const rows = table(section(readme, "Scopes"), "MCP scope");

	it("lists every MCP scope, in order", () => {
		expect(rows.map(([scope = ""]) => codeSpans(scope)[0])).toEqual(ALL_MCP_SCOPES);
		expect(Object.keys(MCP_SCOPES)).toEqual(ALL_MCP_SCOPES);
	});

	it.each(ALL_MCP_SCOPES.map((scope) => [scope]))("names the GitHub scopes %s asks for", (scope) => {
		const [, , github = ""] = rows.find(([cell = ""]) => codeSpans(cell)[0] === scope) ?? [];
		expect(codeSpans(github)).toEqual(expect.arrayContaining([...GITHUB_SCOPES_FOR[scope]]));
	});
});

describe("README: configuration", () => {
	const config = unstable_readConfig({ config: join(PROJECT_ROOT, "wrangler.jsonc") });
	const vars = config.vars as Record<string, string>;
	const secrets = config.secrets?.required ?? [];
	const ratelimits = config.ratelimits ?? [];
	const bindings = [
		...config.kv_namespaces.map((kv) => kv.binding),
		...config.durable_objects.bindings.map((binding) => binding.name),
		...ratelimits.map((limit) => limit.name),
	];
	const rows = table(section(readme, "Configuration"), "name").map(([names = "", kind = "", fallback = ""]) => ({
		names: codeSpans(names),
		kind,
		fallback,
	}));
	const rowOf = (name: string) => rows.find((row) => row.names.includes(name));

	it("has a row for every var, secret and binding in wrangler.jsonc, and no other", () => {
		expect(rows.flatMap((row) => row.names).sort()).toEqual([...Object.keys(vars), ...secrets, ...bindings].sort());
	});

	it.each(Object.entries(vars))("gives %s's default as wrangler.jsonc sets it", (name, value) => {
		expect(rowOf(name)?.kind).toBe("var");
		expect(rowOf(name)?.fallback).toBe(value === "" ? "empty" : `\`${value}\``);
	});

	it.each(secrets.map((name) => [name]))("marks %s as a required secret", (name) => {
		expect(rowOf(name)).toMatchObject({ kind: "secret", fallback: "required" });
	});

	it.each(ratelimits.map((limit) => [limit.name, limit] as const))("gives %s's limit as wrangler.jsonc sets it", (name, limit) => {
		expect(rowOf(name)).toMatchObject({
			kind: "rate limiting binding",
			fallback: `${limit.simple.limit} per ${limit.simple.period} s`,
		});
	});

	it("explains every binding, var and secret on the Deploy button's form (package.json), and no other", () => {
		const described = (JSON.parse(read("package.json")) as { cloudflare: { bindings: Record<string, { description: string }> } }).cloudflare
			.bindings;
		expect(Object.keys(described).sort()).toEqual([...Object.keys(vars), ...secrets, ...bindings].sort());
		for (const limit of ratelimits) {
			expect(described[limit.name]?.description, limit.name).toContain(
				`(${limit.simple.limit} per ${limit.simple.period === 60 ? "minute" : `${limit.simple.period} seconds`})`,
			);
		}
	});

	it("lists every required secret in .dev.vars.example", () => {
		const example = read(".dev.vars.example");
		for (const name of secrets) expect(example).toMatch(new RegExp(`^${name}=`, "m"));
	});
});

describe("README: conformance", () => {
	// Each revision's list follows its name in bold: read those as headings.
	const text = section(readme, "Conformance").replace(/^\*\*(\S+)\*\*:$/gm, "###### $1");

	it.each(Object.keys(NOT_APPLICABLE))("lists exactly the %s scenarios that do not apply, with their reasons", (revision) => {
		const listed = section(text, revision)
			.split("\n")
			.filter((line) => line.startsWith("- "));
		expect(listed).toEqual(Object.entries(NOT_APPLICABLE[revision] ?? {}).map(([scenario, why]) => `- \`${scenario}\`: ${why}`));
	});
});
