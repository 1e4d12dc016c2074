/**
 * TEMPLATE: every tool, resource and prompt this server offers, in the order clients list them.
 * Adding a tool is one module in tools/ (see CONTRIBUTING.md) and one line here; everything else
 * (both lanes, scopes, toolsets, read-only mode, the allow-list, the audit trail, the README table
 * and the tests' expected lists) reads these arrays.
 */
import type { PromptDefinition, ResourceDefinition, ToolDefinition } from "./define";
import triageIssues from "./prompts/triage-issues";
import counterResource from "./resources/counter";
import issueResource from "./resources/issue";
import add from "./tools/add";
import addIssueComment from "./tools/add-issue-comment";
import addToCounter from "./tools/add-to-counter";
import createIssue from "./tools/create-issue";
import getFile from "./tools/get-file";
import getIssue from "./tools/get-issue";
import getRepo from "./tools/get-repo";
import listIssues from "./tools/list-issues";
import listRepos from "./tools/list-repos";
import searchIssues from "./tools/search-issues";
import whoami from "./tools/whoami";

export const TOOLS: readonly ToolDefinition[] = [
	whoami,
	listRepos,
	getRepo,
	listIssues,
	getIssue,
	searchIssues,
	getFile,
	createIssue,
	addIssueComment,
	add,
	addToCounter,
] as readonly ToolDefinition[];

export const RESOURCES: readonly ResourceDefinition[] = [counterResource, issueResource];

export const PROMPTS: readonly PromptDefinition[] = [triageIssues] as readonly PromptDefinition[];

const BY_NAME = new Map(TOOLS.map((tool) => [tool.name, tool]));

export function toolByName(name: string): ToolDefinition | undefined {
	return BY_NAME.get(name);
}
