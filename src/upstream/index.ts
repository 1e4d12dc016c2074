/**
 * TEMPLATE: the identity provider users sign in with. GitHub (an OAuth App or a GitHub App,
 * configured in src/config.ts). To use another provider, implement IdentityProvider
 * (src/upstream/types.ts) in one new module and export it here instead.
 */
export { githubIdentityProvider as identityProvider } from "./github";
