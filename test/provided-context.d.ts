/** Values test/global-setup.ts provides to every test project (vitest `provide`/`inject`). */
import "vitest";

declare module "vitest" {
	export interface ProvidedContext {
		/** The local GitHub stand-in started for this test run. */
		githubStandIn: { baseUrl: string; apiUrl: string; clientId: string; clientSecret: string };
	}
}
