/**
 * Build-time stand-in for `capnweb` (scripts/build/levers.mjs, lever `capnweb`). agents imports
 * Cap'n Web for RPC over WebSockets to `@callable` methods; this server's agents are reached only
 * over MCP, so an attempt fails loudly instead.
 */
export function newWebSocketRpcSession(): never {
	throw new Error("Cap'n Web RPC is not available in this Worker (capnweb is stubbed out by scripts/build/levers.mjs).");
}
export class RpcTarget {}
