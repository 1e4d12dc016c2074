/**
 * The user's browser, for real: headless Chromium (playwright-core, the system's /usr/bin/chromium)
 * that opens the authorization URL a client produced, approves or denies our consent page by
 * clicking its buttons, and signs in at the GitHub stand-in's page. Pages may only reach loopback:
 * any other request is aborted and recorded, so a page that loads something external fails the
 * test that opened it.
 *
 * Clients "open the browser" through the `open` package, which runs xdg-open, which runs $BROWSER
 * when there is no desktop session. `createBrowserHandoff` points $BROWSER at a two-line script
 * that hands the URL to the test, which then drives Chromium with it.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Locator, type Page } from "playwright-core";
import { PROJECT_ROOT } from "../../scripts/wrangler-dev.mjs";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = join(PROJECT_ROOT, "test-output", "screenshots");

export const DESKTOP_VIEWPORT = { width: 1280, height: 800 };
export const PHONE_VIEWPORT = { width: 390, height: 844 };

export async function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM_PATH,
		headless: true,
		timeout: 30_000,
		// Playwright adds --headless and a fresh user-data-dir itself.
		args: [
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			"--no-first-run",
			"--disable-quic",
		],
	});
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export interface LoopbackContext {
	context: BrowserContext;
	/** Requests the pages tried to make to anything but loopback (all aborted). */
	external: string[];
}

/** A fresh browser profile whose pages can reach loopback only. */
export async function newLoopbackContext(browser: Browser, options: BrowserContextOptions = {}): Promise<LoopbackContext> {
	const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, ...options });
	context.setDefaultTimeout(15_000);
	const external: string[] = [];
	await context.route("**/*", (route) => {
		const url = new URL(route.request().url());
		if ((url.protocol === "http:" || url.protocol === "https:") && LOOPBACK_HOSTS.has(url.hostname)) return route.continue();
		if (url.protocol === "data:" || url.protocol === "about:") return route.continue();
		external.push(url.toString());
		return route.abort();
	});
	return { context, external };
}

/** The text as the user sees it (rendered: hidden parts left out, line breaks as laid out). */
export function renderedText(locator: Locator): Promise<string> {
	// biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator, not a DOM node; the rendered text is the point.
	return locator.innerText();
}

export async function screenshot(page: Page, name: string): Promise<void> {
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export interface SignInChoices {
	/** What the user clicks on our consent page. */
	consent: "approve" | "deny";
	/** Which stand-in user signs in at "GitHub". */
	login?: string;
	/** Scopes the user ticks on the consent page, on top of those ticked already. */
	tick?: string[];
	/** Save screenshots of the pages on the way, with this prefix. */
	screenshotPrefix?: string;
}

export interface SignInResult {
	/** The URL the browser ended on: the client's redirect URI with code (or error) and state. */
	finalUrl: URL;
	/** Every path the browser requested as a page, redirects included, in order. */
	pages: string[];
	/** The text the client's own callback page showed. */
	finalText: string;
	/** The consent page's heading: which app asks, for which server. */
	consentHeading: string;
}

/**
 * Opens the authorization URL and goes through consent and GitHub sign-in as the user would,
 * until the browser arrives at the client's redirect URI (taken from the URL itself).
 */
export async function signInThroughBrowser(
	context: BrowserContext,
	authorizationUrl: string,
	choices: SignInChoices,
): Promise<SignInResult> {
	const redirectUri = new URL(authorizationUrl).searchParams.get("redirect_uri");
	if (!redirectUri) throw new Error(`no redirect_uri in ${authorizationUrl}`);
	const target = new URL(redirectUri);
	const atRedirect = (url: URL) => url.origin === target.origin && url.pathname === target.pathname;
	const page = await context.newPage();
	const pages: string[] = [];
	// Every navigation request, redirects included (a 302 hop is never a committed page).
	page.on("request", (request) => {
		if (request.isNavigationRequest() && request.frame() === page.mainFrame()) pages.push(new URL(request.url()).pathname);
	});
	try {
		await page.goto(authorizationUrl);
		const heading = page.getByRole("heading", { level: 1, name: /^Allow .+ to use / });
		await heading.waitFor();
		const consentHeading = (await renderedText(heading)).trim();
		if (choices.screenshotPrefix) await screenshot(page, `${choices.screenshotPrefix}-consent`);
		for (const scope of choices.tick ?? []) await page.locator(`input[name="scope"][value="${scope}"]`).check();
		if (choices.consent === "deny") {
			await page.getByRole("button", { name: "Deny" }).click();
		} else {
			await page.getByRole("button", { name: /^Allow/ }).click();
			// The GitHub stand-in's authorize page: choose the user, press Authorize.
			await page.waitForURL((url) => url.pathname === "/login/oauth/authorize");
			if (choices.screenshotPrefix) await screenshot(page, `${choices.screenshotPrefix}-github`);
			await page.locator(`input[name="login"][value="${choices.login ?? "octocat"}"]`).check();
			await page.getByRole("button", { name: "Authorize" }).click();
		}
		await page.waitForURL(atRedirect, { waitUntil: "load" });
		const finalText = await renderedText(page.locator("body"));
		if (choices.screenshotPrefix) await screenshot(page, `${choices.screenshotPrefix}-done`);
		return { finalUrl: new URL(page.url()), pages, finalText, consentHeading };
	} catch (error) {
		const text = await renderedText(page.locator("body")).catch(() => "");
		throw new Error(
			`browser sign-in stopped at ${page.url()}: ${error instanceof Error ? error.message : error}\nPage: ${text.slice(0, 500)}`,
		);
	} finally {
		await page.close();
	}
}

export interface BrowserHandoff {
	/** Environment for the client program: $BROWSER is the hand-off script. */
	env: Record<string, string>;
	/** The next URL the program asked to open. */
	nextUrl(timeoutMs: number): Promise<string>;
	/** How many URLs the program asked to open so far. */
	count(): number;
}

/** A $BROWSER for client programs that hands each URL they open to the test. */
export function createBrowserHandoff(directory: string): BrowserHandoff {
	mkdirSync(directory, { recursive: true });
	const log = join(directory, "opened-urls.txt");
	const script = join(directory, "open-in-test-browser.sh");
	writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`);
	chmodSync(script, 0o755);
	appendFileSync(log, "");
	let consumed = 0;
	const lines = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []);
	return {
		env: { BROWSER: script },
		count: () => lines().length,
		async nextUrl(timeoutMs) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				const url = lines()[consumed];
				if (url) {
					consumed++;
					return url;
				}
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			throw new Error(`no browser was opened within ${timeoutMs} ms`);
		},
	};
}

export interface RedirectListener {
	/** The loopback redirect URI to register. */
	url: string;
	/** The query of the next request to it (code, state, iss, or error). */
	next(timeoutMs: number): Promise<URLSearchParams>;
	close(): Promise<void>;
}

/** A native app's loopback redirect URI (RFC 8252 §7.3): receives the browser once per sign-in. */
export async function startRedirectListener(): Promise<RedirectListener> {
	const received: URLSearchParams[] = [];
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? "/", "http://127.0.0.1");
		if (url.pathname !== "/oauth/callback") {
			res.writeHead(404).end();
			return;
		}
		received.push(url.searchParams);
		res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
		res.end("<!doctype html><title>Signed in</title><p>You can close this window and return to the app.</p>");
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	const port = typeof address === "object" && address ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}/oauth/callback`,
		async next(timeoutMs) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				const params = received.shift();
				if (params) return params;
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			throw new Error(`nothing arrived at the redirect URI within ${timeoutMs} ms`);
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/**
 * Signs in on the connected apps page (/connections) as a user does: the page's button, the GitHub
 * stand-in's page (choose the user, Authorize), back on /connections. Returns the signed-in page.
 */
export async function signInOnConnections(context: BrowserContext, origin: string, login: string): Promise<Page> {
	const page = await context.newPage();
	await page.goto(`${origin}/connections`);
	await page.getByRole("button", { name: /^Sign in with / }).click();
	await page.waitForURL((url) => url.pathname === "/login/oauth/authorize");
	await page.locator(`input[name="login"][value="${login}"]`).check();
	await page.getByRole("button", { name: "Authorize" }).click();
	await page.waitForURL((url) => url.pathname === "/connections");
	await page.getByText(`Signed in as ${login}`).waitFor();
	return page;
}
