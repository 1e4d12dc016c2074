/**
 * Build-time stand-in for `@modelcontextprotocol/client` (scripts/build/levers.mjs, lever `mcp-client`). agents imports
 * the MCP SDK v2 client for its MCP *client* features (connecting an agent to other MCP servers),
 * which this server does not use. The classes can be constructed (agents builds a validator at
 * load) but every operation fails loudly.
 */
function unavailable(): never {
	throw new Error(
		"The MCP client is not available in this Worker (@modelcontextprotocol/client is stubbed out by scripts/build/levers.mjs).",
	);
}
export class Client {
	connect(): Promise<never> {
		return Promise.reject(
			new Error(
				"The MCP client is not available in this Worker (@modelcontextprotocol/client is stubbed out by scripts/build/levers.mjs).",
			),
		);
	}
}
export class SSEClientTransport {
	start(): never {
		return unavailable();
	}
}
export class StreamableHTTPClientTransport extends SSEClientTransport {}
export class SdkHttpError extends Error {}
export class CfWorkerJsonSchemaValidator {
	getValidator(): never {
		return unavailable();
	}
}
export const validateClientMetadataUrl = unavailable;
