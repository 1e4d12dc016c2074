/**
 * An MCP SDK client transport over a program the test started itself (startClient), speaking
 * newline-delimited JSON-RPC on its stdin/stdout exactly as the SDK's StdioClientTransport does.
 * The SDK's own transport spawns the program without a process group, which would leave npx's
 * grandchild (the real mcp-remote) behind when a test stops it.
 */
import type { ChildProcess } from "node:child_process";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

export class ChildProcessTransport implements Transport {
	onclose?: () => void;
	onerror?: (error: Error) => void;
	onmessage?: (message: JSONRPCMessage) => void;
	readonly #buffer = new ReadBuffer();

	constructor(readonly child: ChildProcess) {}

	async start(): Promise<void> {
		const { stdout, stdin } = this.child;
		if (!stdout || !stdin) throw new Error("the program has no stdio pipes");
		stdout.on("data", (chunk: Buffer) => {
			this.#buffer.append(chunk);
			for (;;) {
				let message: JSONRPCMessage | null;
				try {
					message = this.#buffer.readMessage();
				} catch (error) {
					this.onerror?.(error instanceof Error ? error : new Error(String(error)));
					continue;
				}
				if (message === null) break;
				this.onmessage?.(message);
			}
		});
		this.child.once("exit", () => this.onclose?.());
		stdin.on("error", (error) => this.onerror?.(error));
	}

	async send(message: JSONRPCMessage): Promise<void> {
		const stdin = this.child.stdin;
		if (!stdin || stdin.destroyed) throw new Error("the program's stdin is closed");
		await new Promise<void>((resolve, reject) => stdin.write(serializeMessage(message), (error) => (error ? reject(error) : resolve())));
	}

	async close(): Promise<void> {
		// Closing stdin is how a desktop client tells a stdio server to finish; the test then stops its group.
		this.child.stdin?.end();
		this.#buffer.clear();
	}
}
