/**
 * Registers the definitions (tools, resources, prompts) on an MCP SDK v1 server: the McpAgent
 * lane. Each handler gets its ToolContext from the request being served (`extra`), so the caller
 * is the one of the current request, never the one the session started with.
 */
import {
	type McpServer,
	type RegisteredResource,
	type RegisteredResourceTemplate,
	type RegisteredTool,
	ResourceTemplate,
} from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import {
	type Infer,
	type PromptDefinition,
	type ResourceDefinition,
	type Shape,
	type ToolContext,
	type ToolDefinition,
	templateVariables,
} from "../define";
import { type InvokeOptions, invokeTool } from "../invoke";

export type V1Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface RegisteredV1 {
	tools: Map<string, RegisteredTool>;
	resources: Map<string, RegisteredResource | RegisteredResourceTemplate>;
}

export function registerOnV1(
	server: McpServer,
	definitions: { tools: readonly ToolDefinition[]; resources: readonly ResourceDefinition[]; prompts: readonly PromptDefinition[] },
	contextFor: (extra: V1Extra) => ToolContext,
	options: (extra: V1Extra) => InvokeOptions,
): RegisteredV1 {
	const tools = new Map<string, RegisteredTool>();
	for (const tool of definitions.tools) {
		const registered = server.registerTool(
			tool.name,
			{
				title: tool.title,
				description: tool.description,
				inputSchema: tool.input,
				...(tool.output ? { outputSchema: tool.output } : {}),
				annotations: { title: tool.title, ...tool.annotations },
			},
			async (args: Infer<Shape>, extra: V1Extra) => invokeTool(tool, args, contextFor(extra), options(extra)),
		);
		tools.set(tool.name, registered);
	}

	const resources = new Map<string, RegisteredResource | RegisteredResourceTemplate>();
	for (const resource of definitions.resources) {
		const metadata = { title: resource.title, description: resource.description, mimeType: resource.mimeType };
		if (resource.kind === "fixed") {
			resources.set(
				resource.name,
				server.registerResource(resource.name, resource.uri, metadata, async (_uri, extra) => ({
					contents: [await resource.read(contextFor(extra))],
				})),
			);
		} else {
			resources.set(
				resource.name,
				server.registerResource(
					resource.name,
					new ResourceTemplate(resource.uriTemplate, { list: undefined, ...(resource.complete ? { complete: resource.complete } : {}) }),
					metadata,
					async (uri, variables, extra) => ({
						contents: [await resource.read(uri.href, templateVariables(variables), contextFor(extra))],
					}),
				),
			);
		}
	}

	for (const prompt of definitions.prompts) {
		server.registerPrompt(prompt.name, { title: prompt.title, description: prompt.description, argsSchema: prompt.args }, (args) =>
			prompt.build(args as Infer<Shape>),
		);
	}
	return { tools, resources };
}
