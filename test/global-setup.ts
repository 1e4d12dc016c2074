/** Starts one local GitHub stand-in for the whole test run and hands its address to the tests. */
import type { TestProject } from "vitest/node";
import { startGithubStandIn } from "../scripts/github-standin/index.mjs";

export default async function setup(project: TestProject) {
	const standIn = await startGithubStandIn();
	project.provide("githubStandIn", {
		baseUrl: standIn.baseUrl,
		apiUrl: standIn.apiUrl,
		clientId: standIn.clientId,
		clientSecret: standIn.clientSecret,
		appClientId: standIn.appClientId,
		appClientSecret: standIn.appClientSecret,
		appSlug: standIn.appSlug,
	});
	return async () => {
		await standIn.close();
	};
}
