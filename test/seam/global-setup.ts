/** Starts the OpenID Connect-like stand-in for the `seam` project and hands its address to the tests. */
import type { TestProject } from "vitest/node";
import { startOidcStandIn } from "./oidc-standin.ts";

export default async function setup(project: TestProject) {
	const oidc = await startOidcStandIn();
	project.provide("oidcStandIn", { issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret });
	return () => oidc.close();
}
