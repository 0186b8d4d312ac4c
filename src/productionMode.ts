/**
 * Production semantics for the libraries that read NODE_ENV once, when they load: graphql-js checks
 * every `instanceof` of its own classes against other copies of itself unless NODE_ENV is
 * "production" (a development aid that costs CPU on every field of every operation). Imported first by
 * the production entry, before anything loads graphql; a NODE_ENV set by the deployment wins. Apollo
 * Server reads it too, for defaults this app always sets explicitly (introspection, stack traces in
 * errors, the landing page).
 */
process.env.NODE_ENV ??= "production";

export {};
