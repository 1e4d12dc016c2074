/**
 * Client ID Metadata Documents end to end, under a real `wrangler dev`: the client's id is the
 * HTTPS URL of its metadata document, served here on loopback with a certificate from a throwaway
 * CA (made with openssl; wrangler's local runtime trusts it through NODE_EXTRA_CA_CERTS). No
 * registration: the Worker fetches the document, the consent page names its domain, and the
 * client signs in and uses /mcp. Documents that cannot be fetched, are not JSON, name another
 * client or do not list the redirect URI get an error page, never a redirect. And the official
 * MCP client library (@modelcontextprotocol/client 2.x) uses CIMD here instead of registering.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type OAuthClientProvider, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import { hiddenInputs, visibleText } from "../support/forms";
import { initializeBody, legacyHeaders } from "../support/mcp-wire";
import { OAuthFlow, signInAtGithub } from "../support/oauth-flow";
import { InMemoryOAuthProvider } from "../support/sdk-oauth-provider";
import { type DevServer, startDevServer } from "./dev-server";

const REDIRECT_URI = "http://127.0.0.1:33420/oauth/callback";

let directory: string;
let documents: Server;
let documentOrigin: string;
let server: DevServer;
/** Every path the document server was asked for. */
const served: string[] = [];

/** A CA and a certificate for localhost and 127.0.0.1 signed by it, in `directory`. */
function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
	const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
	const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
	run(
		"req",
		"-x509",
		...ec,
		"-keyout",
		"ca.key",
		"-out",
		"ca.pem",
		"-days",
		"2",
		"-subj",
		"/CN=MCP e2e test CA",
		"-addext",
		"basicConstraints=critical,CA:TRUE",
		"-addext",
		"keyUsage=critical,keyCertSign,cRLSign",
	);
	run("req", ...ec, "-keyout", "localhost.key", "-out", "localhost.csr", "-subj", "/CN=localhost");
	writeFileSync(
		join(dir, "ext.cnf"),
		"subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
	);
	run(
		"x509",
		"-req",
		"-in",
		"localhost.csr",
		"-CA",
		"ca.pem",
		"-CAkey",
		"ca.key",
		"-CAcreateserial",
		"-out",
		"localhost.pem",
		"-days",
		"2",
		"-extfile",
		"ext.cnf",
	);
	return { ca: join(dir, "ca.pem"), key: join(dir, "localhost.key"), cert: join(dir, "localhost.pem") };
}

function documentFor(clientId: string, overrides: Record<string, unknown> = {}) {
	return {
		client_id: clientId,
		client_name: "CIMD Test App",
		client_uri: `${documentOrigin}/`,
		redirect_uris: [REDIRECT_URI],
		grant_types: ["authorization_code", "refresh_token"],
		response_types: ["code"],
		token_endpoint_auth_method: "none",
		...overrides,
	};
}

/** path → [status, content type, body] for each document the server serves. */
function routes(): Record<string, [number, string, string]> {
	const json = (path: string, overrides: Record<string, unknown> = {}): [number, string, string] => [
		200,
		"application/json",
		JSON.stringify(documentFor(`${documentOrigin}${path}`, overrides)),
	];
	return {
		"/good/client.json": json("/good/client.json"),
		"/sdk/client.json": json("/sdk/client.json", { client_name: "SDK CIMD App" }),
		"/broken/not-json.json": [200, "application/json", '{"client_id": "unfinished'],
		"/broken/html.json": [200, "text/html", "<!doctype html><title>not a document</title>"],
		"/broken/server-error.json": [500, "text/plain", "oops"],
		"/broken/wrong-id.json": [200, "application/json", JSON.stringify(documentFor(`${documentOrigin}/good/client.json`))],
		"/broken/other-redirect.json": json("/broken/other-redirect.json", { redirect_uris: ["http://127.0.0.1:1/elsewhere"] }),
	};
}

beforeAll(async () => {
	directory = mkdtempSync(join(tmpdir(), "cimd-e2e-"));
	const { ca, key, cert } = makeCertificates(directory);
	documents = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
		const path = new URL(req.url ?? "/", "https://localhost").pathname;
		served.push(path);
		const route = routes()[path];
		if (!route) {
			res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
			return;
		}
		const [status, type, body] = route;
		res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" }).end(body);
	});
	await new Promise<void>((resolve) => documents.listen(0, "127.0.0.1", resolve));
	const address = documents.address();
	documentOrigin = `https://localhost:${typeof address === "object" && address ? address.port : 0}`;
	server = await startDevServer({ env: { NODE_EXTRA_CA_CERTS: ca } });
});

afterAll(async () => {
	await server?.stop();
	await new Promise<void>((resolve) => (documents ? documents.close(() => resolve()) : resolve()));
	rmSync(directory, { recursive: true, force: true });
});

function flow(): OAuthFlow {
	return new OAuthFlow({ origin: server.origin, redirectUri: REDIRECT_URI });
}

describe("Client ID Metadata Documents under wrangler dev", () => {
	it("the server advertises CIMD", async () => {
		const metadata = (await (await fetch(`${server.origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
		expect(metadata.client_id_metadata_document_supported).toBe(true);
	});

	it("a client whose id is its document's URL signs in without registering, sees its verified domain, and uses /mcp", async () => {
		const clientId = `${documentOrigin}/good/client.json`;
		const cimd = flow();
		const consent = await cimd.openConsent(clientId);
		expect(served).toContain("/good/client.json");
		const text = visibleText(consent.page);
		expect(text).toContain("Allow CIMD Test App to use");
		expect(text).toContain("Verified: this app is published by localhost");
		expect(text).not.toContain("not verified");

		const approved = await cimd.submitConsent(consent, "approve");
		const code = await cimd.codeAfterApproval(approved, consent.jar, "octocat");
		const tokens = await cimd.exchangeCode(clientId, code, consent.pkce.verifier);
		expect(tokens.status).toBe(200);
		const { access_token: token } = (await tokens.json()) as { access_token: string };
		const mcp = await fetch(`${server.origin}/mcp`, { method: "POST", headers: legacyHeaders(token), body: initializeBody() });
		expect(mcp.status).toBe(200);
		await mcp.body?.cancel();
	});

	it.each([
		["cannot be fetched (404)", "/broken/missing.json"],
		["cannot be fetched (500)", "/broken/server-error.json"],
		["is invalid JSON", "/broken/not-json.json"],
		["is not JSON at all", "/broken/html.json"],
		["names another client_id", "/broken/wrong-id.json"],
		["does not list the redirect URI", "/broken/other-redirect.json"],
	])("a document that %s is refused with an error page (400), never a redirect", async (_case, path) => {
		const cimd = flow();
		const response = await cimd.request(
			cimd.authorizeUrl(`${documentOrigin}${path}`, { verifier: "v".repeat(43), challenge: "c".repeat(43) }),
		);
		expect(response.status).toBe(400);
		expect(response.headers.get("Location")).toBeNull();
		expect(response.headers.get("Content-Type")).toContain("text/html");
		expect(visibleText(await response.text())).toMatch(/could not be verified|cannot be used/);
	});
});

/** The MCP client library's OAuth provider, as an app that publishes a metadata document configures it. */
class CimdOAuthProvider extends InMemoryOAuthProvider implements OAuthClientProvider {
	authorizationUrl: URL | undefined;

	constructor(readonly clientMetadataUrl: string) {
		super(REDIRECT_URI, "SDK CIMD App");
	}

	override redirectToAuthorization(authorizationUrl: URL): void {
		this.authorizationUrl = authorizationUrl;
	}
}

describe("@modelcontextprotocol/client 2.x with a clientMetadataUrl", () => {
	it("uses the document URL as its client id instead of registering, and signs in", async () => {
		const documentUrl = `${documentOrigin}/sdk/client.json`;
		const provider = new CimdOAuthProvider(documentUrl);
		const requested: string[] = [];
		const recordingFetch: typeof fetch = (input, init) => {
			requested.push(`${init?.method ?? "GET"} ${new URL(input instanceof Request ? input.url : input).pathname}`);
			return fetch(input, init);
		};
		const transport = () =>
			new StreamableHTTPClientTransport(new URL("/mcp", server.origin), { authProvider: provider, fetch: recordingFetch });
		const first = transport();
		await expect(new Client({ name: "cimd-sdk", version: "1.0.0" }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
		const authorizationUrl = provider.authorizationUrl;
		if (!authorizationUrl) throw new Error("the client never sent the user to authorize");
		expect(authorizationUrl.searchParams.get("client_id")).toBe(documentUrl);

		// The user's browser: consent (the verified domain), GitHub, back to the app.
		const jar = new CookieJar();
		const browser = new OAuthFlow({ origin: server.origin, redirectUri: REDIRECT_URI });
		const consentPage = await browser.request(authorizationUrl, {}, jar);
		const page = await consentPage.text();
		expect(consentPage.status).toBe(200);
		expect(visibleText(page)).toContain("Verified: this app is published by localhost");
		const approved = await browser.submitConsent({ jar, handle: hiddenInputs(page).handle ?? "" }, "approve");
		const callback = await signInAtGithub(approved.headers.get("Location") ?? "", "octocat");
		const finished = await browser.finishCallback(callback, jar);
		const redirect = new URL(finished.headers.get("Location") ?? "");
		expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);

		await first.finishAuth(redirect.searchParams);
		expect(provider.storedTokens?.access_token).toBeTruthy();
		const client = new Client({ name: "cimd-sdk", version: "1.0.0" });
		await client.connect(transport());
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name)).toContain("whoami");
		await client.close();

		expect(requested.filter((line) => line.endsWith("/register"))).toEqual([]);
		expect(requested).toContain("POST /token");
		expect(provider.storedClient?.client_id ?? documentUrl).toBe(documentUrl);
	});
});
