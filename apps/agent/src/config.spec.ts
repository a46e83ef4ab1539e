import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { AgentConfigError, loadAgentConfig } from './config';

test('loadAgentConfig reads every variable and applies defaults', () => {
  const c = loadAgentConfig({ GANTRY_CONTROL_PLANE_GRPC: 'cp.internal:50051', GANTRY_AGENT_TOKEN: 'gat_secret', GANTRY_CODE_LOCATIONS: 'a/gantry.yaml, b ,' });
  assert.equal(c.controlPlaneAddress, 'cp.internal:50051');
  assert.equal(c.token, 'gat_secret');
  assert.deepEqual(c.codeLocationPaths, ['a/gantry.yaml', 'b']);
  assert.equal(c.maxConcurrentRuns, 4);
  assert.deepEqual(c.deployments, [], 'no GANTRY_AGENT_DEPLOYMENTS: every deployment the token allows');
  assert.equal(c.logLevel, 'info');
  assert.equal(c.stateDir, path.resolve('.gantry/agent'));
  assert.ok(c.name.length > 0, 'defaults to the host name');
  const d = loadAgentConfig({ GANTRY_CONTROL_PLANE_GRPC: '127.0.0.1:1', GANTRY_AGENT_TOKEN: 't', GANTRY_AGENT_NAME: 'edge', GANTRY_AGENT_STATE_DIR: '/var/lib/gantry', GANTRY_AGENT_MAX_RUNS: '9', GANTRY_LOG_LEVEL: 'debug', GANTRY_AGENT_DEPLOYMENTS: 'prod, staging,' });
  assert.deepEqual([d.name, d.stateDir, d.maxConcurrentRuns, d.logLevel], ['edge', '/var/lib/gantry', 9, 'debug']);
  assert.deepEqual(d.deployments, ['prod', 'staging']);
});

test('loadAgentConfig names every problem and never echoes the token', () => {
  assert.throws(
    () => loadAgentConfig({ GANTRY_CONTROL_PLANE_GRPC: 'no-port', GANTRY_AGENT_MAX_RUNS: '0', GANTRY_LOG_LEVEL: 'loud' }),
    (e: unknown) => e instanceof AgentConfigError && /GANTRY_CONTROL_PLANE_GRPC must be host:port/.test(e.message) && /GANTRY_AGENT_TOKEN is required/.test(e.message) && /GANTRY_AGENT_MAX_RUNS/.test(e.message) && /GANTRY_LOG_LEVEL/.test(e.message),
  );
  assert.throws(
    () => loadAgentConfig({ GANTRY_AGENT_TOKEN: 'gat_very_secret', GANTRY_AGENT_MAX_RUNS: 'x' }),
    (e: unknown) => e instanceof AgentConfigError && !e.message.includes('gat_very_secret') && /GANTRY_CONTROL_PLANE_GRPC is required/.test(e.message),
  );
});
