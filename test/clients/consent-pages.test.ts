/**
 * The pages a person sees, in a real browser (headless Chromium) against a real `wrangler dev`:
 * the consent page (approve, deny, keyboard only, JavaScript off), the error pages, and the home
 * page, on a desktop and at phone width (390×844), in light and dark mode. Screenshots go to
 * test-output/screenshots/. Every page may reach loopback only; a request anywhere else fails.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_NAME } from "../../src/server-info";
import { type DevServer, startDevServer } from "../e2e/dev-server";
import { testAddress } from "../support/client-address";
import {
	launchChromium,
	newLoopbackContext,
	PHONE_VIEWPORT,
	type RedirectListener,
	renderedText,
	screenshot,
	signInThroughBrowser,
	startRedirectListener,
} from "./browser";

let server: DevServer;
let browser: Browser;
let redirect: RedirectListener;

beforeAll(async () => {
	[server, browser, redirect] = await Promise.all([startDevServer(), launchChromium(), startRedirectListener()]);
});

afterAll(async () => {
	await browser?.close();
	await redirect?.close();
	await server?.stop();
});

const CLIENT_NAME = "Consent Page Test App";

/** Registers a client as an MCP client does, and builds its authorization URL (PKCE S256). */
async function newAuthorization(state = randomBytes(8).toString("hex")) {
	const registered = await fetch(new URL("/register", server.origin), {
		method: "POST",
		// Each registration from its own address: the per-address limit is tested elsewhere.
		headers: { "Content-Type": "application/json", "CF-Connecting-IP": testAddress() },
		body: JSON.stringify({
			client_name: CLIENT_NAME,
			redirect_uris: [redirect.url],
			grant_types: ["authorization_code", "refresh_token"],
			response_types: ["code"],
			token_endpoint_auth_method: "none",
		}),
	});
	expect(registered.status).toBe(201);
	const { client_id: clientId } = (await registered.json()) as { client_id: string };
	const verifier = randomBytes(32).toString("base64url");
	const url = new URL("/authorize", server.origin);
	url.search = new URLSearchParams({
		response_type: "code",
		client_id: clientId,
		redirect_uri: redirect.url,
		code_challenge: createHash("sha256").update(verifier).digest("base64url"),
		code_challenge_method: "S256",
		scope: "github:read",
		state,
		resource: server.origin,
	}).toString();
	return { clientId, verifier, state, url: url.toString() };
}

/** Opens a page in a fresh loopback-only profile; returns it with the external requests it tried. */
async function openPage(url: string, options: BrowserContextOptions = {}) {
	const { context, external } = await newLoopbackContext(browser, options);
	const page = await context.newPage();
	const response = await page.goto(url);
	return { page, external, status: response?.status(), close: () => context.close() };
}

/** No horizontal scrolling at this width: the page fits, long values wrap or scroll inside their box. */
async function horizontalOverflow(page: Page): Promise<number> {
	return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * WCAG 2.2 contrast ratio of each visible text element against the background it sits on
 * (the nearest ancestor with an opaque background). Returns those below 4.5:1.
 */
async function lowContrastText(page: Page): Promise<{ text: string; ratio: number }[]> {
	return page.evaluate(() => {
		const parse = (color: string) => {
			const match = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(color);
			return match
				? { rgb: [Number(match[1]), Number(match[2]), Number(match[3])], alpha: match[4] === undefined ? 1 : Number(match[4]) }
				: null;
		};
		const luminance = ([r, g, b]: number[]) => {
			const [R = 0, G = 0, B = 0] = [r, g, b].map((value = 0) => {
				const c = value / 255;
				return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
			});
			return 0.2126 * R + 0.7152 * G + 0.0722 * B;
		};
		const background = (element: Element | null): number[] => {
			for (let node = element; node; node = node.parentElement) {
				const parsed = parse(getComputedStyle(node).backgroundColor);
				if (parsed && parsed.alpha > 0.5) return parsed.rgb;
			}
			return matchMedia("(prefers-color-scheme: dark)").matches ? [0, 0, 0] : [255, 255, 255];
		};
		const problems: { text: string; ratio: number }[] = [];
		for (const element of document.querySelectorAll("body *")) {
			const ownText = [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent?.trim());
			if (!ownText || (element as HTMLElement).offsetParent === null) continue;
			const style = getComputedStyle(element);
			const foreground = parse(style.color);
			if (!foreground) continue;
			const [a, b] = [luminance(foreground.rgb), luminance(background(element))];
			const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
			if (ratio < 4.5) problems.push({ text: (element.textContent ?? "").trim().slice(0, 60), ratio: Math.round(ratio * 100) / 100 });
		}
		return problems;
	});
}

describe("the consent page in a browser", () => {
	it("approves with JavaScript turned off: consent, GitHub sign-in, back to the app with a code that redeems for a token", async () => {
		const authorization = await newAuthorization();
		const { context, external } = await newLoopbackContext(browser, { javaScriptEnabled: false });
		const signIn = await signInThroughBrowser(context, authorization.url, { consent: "approve", screenshotPrefix: "consent-approve" });
		await context.close();

		expect(signIn.consentHeading).toBe(`Allow ${CLIENT_NAME} to use ${SERVER_NAME} as you?`);
		expect(signIn.pages).toEqual([
			"/authorize",
			"/authorize",
			"/login/oauth/authorize",
			"/login/oauth/authorize",
			"/callback",
			"/oauth/callback",
		]);
		const callback = await redirect.next(5_000);
		expect(callback.get("state")).toBe(authorization.state);
		expect(callback.get("iss")).toBe(server.origin);
		const code = callback.get("code");
		expect(code).toBeTruthy();

		const token = await fetch(new URL("/token", server.origin), {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({
				grant_type: "authorization_code",
				code: code ?? "",
				redirect_uri: redirect.url,
				client_id: authorization.clientId,
				code_verifier: authorization.verifier,
				resource: server.origin,
			}),
		});
		expect(token.status).toBe(200);
		expect(await token.json()).toMatchObject({ token_type: "bearer", scope: "github:read" });
		expect(external).toEqual([]);
	});

	it("denying sends the app access_denied with its state, without going to GitHub", async () => {
		const authorization = await newAuthorization();
		const { context } = await newLoopbackContext(browser);
		const signIn = await signInThroughBrowser(context, authorization.url, { consent: "deny" });
		await context.close();
		expect(signIn.pages).not.toContain("/login/oauth/authorize");
		const callback = await redirect.next(5_000);
		expect(callback.get("error")).toBe("access_denied");
		expect(callback.get("state")).toBe(authorization.state);
		expect(callback.has("code")).toBe(false);
	});

	it("cancelling at GitHub sends the app access_denied", async () => {
		const authorization = await newAuthorization();
		const { page, close } = await openPage(authorization.url);
		await page.getByRole("button", { name: /^Allow/ }).click();
		await page.getByRole("button", { name: "Cancel" }).click();
		await page.waitForURL((url) => url.pathname === "/oauth/callback");
		await close();
		const callback = await redirect.next(5_000);
		expect(callback.get("error")).toBe("access_denied");
		expect(callback.get("state")).toBe(authorization.state);
	});

	it("can be read and approved with the keyboard alone, with a visible focus ring on every control", async () => {
		const authorization = await newAuthorization();
		const { page, close } = await openPage(authorization.url);
		const focused: string[] = [];
		for (let step = 0; step < 5; step++) {
			await page.keyboard.press("Tab");
			focused.push(
				await page.evaluate(() => {
					const element = document.activeElement as HTMLElement;
					const style = getComputedStyle(element);
					const ring = style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2;
					const label = element.closest("label")?.textContent?.trim() ?? element.textContent?.trim() ?? "";
					return `${element.tagName.toLowerCase()}:${label.split(" (")[0]}:${ring ? "ring" : "no ring"}`;
				}),
			);
		}
		expect(focused).toEqual([
			"input:Read your private repositories too:ring",
			"input:Create issues and comments as you:ring",
			"input:Remember this app: next time, skip this page when it asks again from the same place for no more than this:ring",
			"button:Allow and sign in with GitHub:ring",
			"button:Deny:ring",
		]);
		await page.keyboard.press("Shift+Tab");
		await page.keyboard.press("Enter");
		await page.waitForURL((url) => url.pathname === "/login/oauth/authorize");
		await close();
	});

	it("labels every choice, and names the app, where access goes and what it may do", async () => {
		const authorization = await newAuthorization();
		const { page, close } = await openPage(authorization.url);
		await expect(page.getByRole("checkbox", { name: /Read your GitHub profile/ }).isDisabled()).resolves.toBe(true);
		await expect(page.getByRole("checkbox", { name: /Read your GitHub profile/ }).isChecked()).resolves.toBe(true);
		await expect(page.getByRole("checkbox", { name: /Read your private repositories too/ }).isChecked()).resolves.toBe(false);
		await expect(page.getByRole("checkbox", { name: /Create issues and comments as you/ }).isChecked()).resolves.toBe(false);
		await expect(page.getByRole("group", { name: /will be able to/ }).count()).resolves.toBe(1);
		const text = await renderedText(page.locator("main"));
		expect(text).toContain(`Allow ${CLIENT_NAME} to use ${SERVER_NAME} as you?`);
		expect(text).toContain("Its name is not verified");
		expect(text).toContain("Access will be sent to 127.0.0.1");
		expect(text).toContain("Access will be sent to an app on your computer.");
		await close();
	});

	it.each([
		["light", "desktop"],
		["dark", "desktop"],
		["light", "phone"],
		["dark", "phone"],
	] as const)(
		"is readable in %s mode on a %s: text contrast at least 4.5:1, no horizontal scroll, both buttons in view",
		async (colorScheme, device) => {
			const authorization = await newAuthorization();
			const { page, close, external } = await openPage(authorization.url, {
				colorScheme,
				...(device === "phone" ? { viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
			});
			await screenshot(page, `consent-${device}-${colorScheme}`);
			expect(await lowContrastText(page)).toEqual([]);
			expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
			const viewport = page.viewportSize();
			for (const name of [/^Allow/, /^Deny$/]) {
				const box = await page.getByRole("button", { name }).boundingBox();
				expect(box).not.toBeNull();
				expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= (viewport?.width ?? 0)).toBe(true);
				expect(box?.height).toBeGreaterThanOrEqual(44);
			}
			expect(external).toEqual([]);
			await close();
		},
	);
});

describe("the consent page for a native app (private-use redirect URI)", () => {
	it.each([
		["light", "desktop"],
		["dark", "desktop"],
		["light", "phone"],
		["dark", "phone"],
	] as const)("warns in %s mode on a %s that access goes to an app on this computer, naming its scheme", async (colorScheme, device) => {
		const registered = await fetch(new URL("/register", server.origin), {
			method: "POST",
			headers: { "Content-Type": "application/json", "CF-Connecting-IP": testAddress() },
			body: JSON.stringify({
				client_name: "Native Editor",
				redirect_uris: ["cursor://anysphere.cursor-mcp/oauth/callback"],
				grant_types: ["authorization_code", "refresh_token"],
				response_types: ["code"],
				token_endpoint_auth_method: "none",
			}),
		});
		expect(registered.status).toBe(201);
		const { client_id: clientId } = (await registered.json()) as { client_id: string };
		const url = new URL("/authorize", server.origin);
		url.search = new URLSearchParams({
			response_type: "code",
			client_id: clientId,
			redirect_uri: "cursor://anysphere.cursor-mcp/oauth/callback",
			code_challenge: createHash("sha256").update("v".repeat(43)).digest("base64url"),
			code_challenge_method: "S256",
			state: "native",
			resource: server.origin,
		}).toString();
		const { page, close, external } = await openPage(url.toString(), {
			colorScheme,
			...(device === "phone" ? { viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
		});
		await screenshot(page, `consent-private-use-${device}-${colorScheme}`);
		const text = await renderedText(page.locator("main"));
		expect(text).toContain("Access will be sent to an app on your computer: the one that opens cursor: links.");
		expect(await lowContrastText(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
		expect(external).toEqual([]);
		await close();
	});
});

describe("error pages in a browser", () => {
	it("a consent form posted twice (a double click, a retried request) shows that the sign-in link cannot be used", async () => {
		const authorization = await newAuthorization();
		const { page, close } = await openPage(authorization.url);
		// The browser renders the answer to the second post of the same form.
		await page.route(`${server.origin}/authorize`, async (route) => {
			if (route.request().method() !== "POST") return route.continue();
			await route.fetch({ maxRedirects: 0 });
			await route.fulfill({ response: await route.fetch({ maxRedirects: 0 }) });
		});
		await page.getByRole("button", { name: /^Allow/ }).click();
		await page.getByRole("heading", { level: 1, name: "This sign-in link cannot be used" }).waitFor();
		await screenshot(page, "error-consent-used-twice");
		expect(await renderedText(page.locator("main"))).toContain("start again from your MCP client");
		await close();
	});

	it.each([
		[
			"an unknown app",
			400,
			"/authorize?response_type=code&client_id=no-such-client&code_challenge=abc&code_challenge_method=S256",
			"This sign-in link cannot be used",
			"error-unknown-client",
		],
		["a forged return from GitHub", 400, "/callback?code=forged&state=forged", "This sign-in link cannot be used", "error-forged-callback"],
		["an unknown address", 404, "/no-such-page", "Not found", "error-not-found"],
	])(
		"%s gets a plain error page (HTTP %s) that says what happened, fits a phone and shows no internals",
		async (_case, status, path, heading, name) => {
			for (const [device, colorScheme] of [
				["desktop", "light"],
				["desktop", "dark"],
				["phone", "light"],
				["phone", "dark"],
			] as const) {
				const {
					page,
					status: actual,
					close,
					external,
				} = await openPage(new URL(path, server.origin).toString(), {
					colorScheme,
					...(device === "phone" ? { viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true } : {}),
				});
				expect(actual).toBe(status);
				await page.getByRole("heading", { level: 1, name: heading }).waitFor();
				await screenshot(page, `${name}-${device}-${colorScheme}`);
				const text = await renderedText(page.locator("main"));
				expect(text).not.toMatch(/at .+\.(ts|js):\d+|Error:|stack/i);
				expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
				expect(await lowContrastText(page)).toEqual([]);
				expect(external).toEqual([]);
				await close();
			}
		},
	);
});

describe("the home page in a browser", () => {
	it.each([
		["desktop", {}],
		["phone", { viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }],
	] as const)("on a %s: names the server, gives its MCP URL and snippets for this origin, and fits the screen", async (device, options) => {
		const { page, status, close, external } = await openPage(`${server.origin}/`, options);
		expect(status).toBe(200);
		await screenshot(page, `home-${device}`);
		await expect(renderedText(page.getByRole("heading", { level: 1 }))).resolves.toBe(SERVER_NAME);
		const text = await renderedText(page.locator("main"));
		expect(text).toContain(`${server.origin}/mcp`);
		expect(text).toContain(`"args": [`);
		expect(text).toContain(`--cli ${server.origin}/mcp --transport http --method tools/list`);
		expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
		expect(await lowContrastText(page)).toEqual([]);
		expect(external).toEqual([]);
		await close();
	});
});
