/**
 * What a template user renames, each marked below. The server's name and version (shown to MCP clients
 * and on every page), the instructions clients give the model, the User-Agent this server sends to
 * GitHub, and the key clients use for it in their `mcpServers` configuration.
 */

/** TEMPLATE: the name people see for this server (pages, MCP serverInfo, resource metadata). */
export const SERVER_NAME = "GitHub MCP Server";

/** TEMPLATE: the server's version, reported to MCP clients. */
export const SERVER_VERSION = "0.2.0";

/** TEMPLATE: what MCP clients tell the model about this server. */
export const SERVER_INSTRUCTIONS =
	"Tools that act on the signed-in user's GitHub account. Start with whoami to see which account that is. Write tools ask the user to confirm before anything is written.";

/** TEMPLATE: the User-Agent header of every request to GitHub (GitHub asks for one that names the app). */
export const USER_AGENT = "remote-mcp-github-oauth";

/** TEMPLATE: the key this server gets in a client's `mcpServers` configuration. */
export const CLIENT_CONFIG_KEY = "github";
