/**
 * @gantry/pipes — the Dagster Pipes protocol in TypeScript, wire-compatible
 * with the upstream `dagster-pipes` Python package (protocol version 0.1).
 *
 * - Customer code: `openPipes()` / `withPipes()` and the `PipesSession` they give.
 * - Orchestrator side (the agent): `encodePipesParams` for the bootstrap
 *   variables, `parsePipesMessageLine` / `isPipesMessageLine` for the channel,
 *   `resolveMetadataTypes` for storage.
 */
export * from './codec';
export * from './context';
export * from './messages';
export * from './metadata';
export * from './client';
