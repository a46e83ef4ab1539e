/** Test support: where `npm test` keeps service logs, and the secrets that must never appear in them. */
export * from './test-log-dir';
export * from './test-secrets';
