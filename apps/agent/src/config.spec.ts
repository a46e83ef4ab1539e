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

test('GANTRY_AGENT_QUEUES: comma-separated and deduplicated; `default` when unset or empty', () => {
  const base = { GANTRY_CONTROL_PLANE_GRPC: '127.0.0.1:1', GANTRY_AGENT_TOKEN: 't' };
  assert.deepEqual(loadAgentConfig(base).queues, ['default']);
  assert.deepEqual(loadAgentConfig({ ...base, GANTRY_AGENT_QUEUES: ' , ' }).queues, ['default']);
  assert.deepEqual(loadAgentConfig({ ...base, GANTRY_AGENT_QUEUES: 'gpu, default,gpu,' }).queues, ['gpu', 'default']);
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

test('GANTRY_AGENT_LAUNCHER=ecs reads the cluster, region and run defaults', () => {
  const base = { GANTRY_CONTROL_PLANE_GRPC: 'cp:1', GANTRY_AGENT_TOKEN: 't' };
  assert.equal(loadAgentConfig(base).launcher, 'process');
  assert.equal(loadAgentConfig(base).ecs, undefined);
  const c = loadAgentConfig({
    ...base,
    GANTRY_AGENT_LAUNCHER: 'ecs',
    GANTRY_ECS_CLUSTER: 'runs',
    AWS_REGION: 'eu-west-1',
    GANTRY_ECS_RUN_DEFAULTS: '{"image":"flights:1","subnets":["subnet-a"],"assignPublicIp":true}',
  });
  assert.equal(c.launcher, 'ecs');
  assert.deepEqual(c.ecs, { cluster: 'runs', region: 'eu-west-1', runDefaults: { image: 'flights:1', subnets: ['subnet-a'], assignPublicIp: true }, pollIntervalMs: 2000 });
  assert.equal(loadAgentConfig({ ...base, GANTRY_AGENT_LAUNCHER: 'ecs', GANTRY_ECS_CLUSTER: 'runs', AWS_DEFAULT_REGION: 'us-east-2' }).ecs?.region, 'us-east-2');
});

test('bad ECS variables are each named', () => {
  const base = { GANTRY_CONTROL_PLANE_GRPC: 'cp:1', GANTRY_AGENT_TOKEN: 't' };
  assert.throws(
    () => loadAgentConfig({ ...base, GANTRY_AGENT_LAUNCHER: 'ecs', GANTRY_ECS_RUN_DEFAULTS: '{"image":', GANTRY_ECS_POLL_INTERVAL_MS: '5' }),
    (e: unknown) =>
      e instanceof AgentConfigError &&
      /GANTRY_ECS_CLUSTER is required/.test(e.message) &&
      /AWS_REGION is required/.test(e.message) &&
      /GANTRY_ECS_RUN_DEFAULTS is not valid JSON/.test(e.message) &&
      /GANTRY_ECS_POLL_INTERVAL_MS must be an integer of at least 100/.test(e.message),
  );
  assert.throws(
    () => loadAgentConfig({ ...base, GANTRY_AGENT_LAUNCHER: 'ecs', GANTRY_ECS_CLUSTER: 'runs', AWS_REGION: 'eu-west-1', GANTRY_ECS_RUN_DEFAULTS: '{"cpu":"lots","subnet":["a"]}' }),
    (e: unknown) => e instanceof AgentConfigError && /GANTRY_ECS_RUN_DEFAULTS: cpu: .*; \(root\): Unrecognized key: "subnet"/.test(e.message),
  );
});

test('loadAgentConfig selects the launcher and reads the Kubernetes defaults', () => {
  const base = { GANTRY_CONTROL_PLANE_GRPC: 'cp:1', GANTRY_AGENT_TOKEN: 't' };
  assert.equal(loadAgentConfig(base).launcher, 'process', 'process by default');
  const k = loadAgentConfig({
    ...base,
    GANTRY_AGENT_LAUNCHER: 'kubernetes',
    GANTRY_K8S_NAMESPACE: 'data-runs',
    GANTRY_K8S_RUN_DEFAULTS: JSON.stringify({ serviceAccountName: 'runner', ttlSecondsAfterFinished: 600, resources: { limits: { memory: '1Gi' } }, imagePullSecrets: ['regcred'] }),
  });
  assert.equal(k.launcher, 'kubernetes');
  assert.equal(k.kubernetes.namespace, 'data-runs');
  assert.deepEqual(k.kubernetes.runDefaults, { serviceAccountName: 'runner', ttlSecondsAfterFinished: 600, resources: { limits: { memory: '1Gi' } }, imagePullSecrets: ['regcred'] });
});

test('loadAgentConfig refuses an unknown launcher, a bad namespace and bad Kubernetes defaults, naming each', () => {
  const base = { GANTRY_CONTROL_PLANE_GRPC: 'cp:1', GANTRY_AGENT_TOKEN: 't' };
  assert.throws(
    () => loadAgentConfig({ ...base, GANTRY_AGENT_LAUNCHER: 'nomad', GANTRY_K8S_NAMESPACE: 'Data_Runs', GANTRY_K8S_RUN_DEFAULTS: '{"serviceAcount":"x"}' }),
    (e: unknown) =>
      e instanceof AgentConfigError &&
      /GANTRY_AGENT_LAUNCHER must be one of process, kubernetes, ecs, got "nomad"/.test(e.message) &&
      /GANTRY_K8S_NAMESPACE must be a DNS label/.test(e.message) &&
      /GANTRY_K8S_RUN_DEFAULTS: .*serviceAcount/.test(e.message),
  );
  assert.throws(() => loadAgentConfig({ ...base, GANTRY_K8S_RUN_DEFAULTS: '{not json' }), /GANTRY_K8S_RUN_DEFAULTS is not JSON/);
});
