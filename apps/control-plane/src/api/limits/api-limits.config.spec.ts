import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadApiLimitsConfig } from './api-limits.config';

test('defaults: depth 12, cost 10000, 32768 characters, 1200 per actor and 120 anonymous per IP a minute, 20 failures then 5 min blocked', () => {
  assert.deepEqual(loadApiLimitsConfig({}), {
    graphqlMaxDepth: 12,
    graphqlMaxCost: 10_000,
    graphqlMaxQueryChars: 32_768,
    rateLimitWindowMs: 60_000,
    rateLimitPerActor: 1200,
    rateLimitAnonymousPerIp: 120,
    authFailuresPerIp: 20,
    authFailureBlockMs: 300_000,
  });
});

test('bad settings fail at boot naming the variable', () => {
  assert.throws(() => loadApiLimitsConfig({ GANTRY_GRAPHQL_MAX_DEPTH: '0' }), /GANTRY_GRAPHQL_MAX_DEPTH must be an integer >= 1, got "0"/);
  assert.throws(() => loadApiLimitsConfig({ GANTRY_GRAPHQL_MAX_COST: 'lots' }), /GANTRY_GRAPHQL_MAX_COST must be an integer/);
  assert.throws(() => loadApiLimitsConfig({ GANTRY_RATE_LIMIT_WINDOW_MS: '60000', GANTRY_AUTH_FAILURE_BLOCK_MS: '1000' }), /GANTRY_AUTH_FAILURE_BLOCK_MS \(1000\) must be >= GANTRY_RATE_LIMIT_WINDOW_MS \(60000\)/);
});
