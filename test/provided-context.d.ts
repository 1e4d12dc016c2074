/** Values test/global-setup.ts provides to every test project (vitest `provide`/`inject`). */
import "vitest";

declare module "vitest" {
	export interface ProvidedContext {
		/** The local GitHub stand-in started for this test run: its OAuth App, and its GitHub App (`app…`). */
		githubStandIn: {
			baseUrl: string;
			apiUrl: string;
			clientId: string;
			clientSecret: string;
			appClientId: string;
			appClientSecret: string;
			/** The GitHub App's URL name (GITHUB_APP_SLUG). */
			appSlug: string;
		};
		/** The OpenID Connect-like stand-in of the `seam` project (test/seam/global-setup.ts). */
		oidcStandIn: {
			issuer: string;
			clientId: string;
			clientSecret: string;
		};
	}
}
