import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EcsSettingsError } from './ecs-errors';
import { resolveEcsRunSettings } from './ecs-run-settings';

const loc = (ecs?: Parameters<typeof resolveEcsRunSettings>[0]['ecs']) => ({ name: 'flights', deployment: 'prod', ...(ecs && { ecs }) });

test('the location wins field by field over GANTRY_ECS_RUN_DEFAULTS, and defaults fill the rest', () => {
  const s = resolveEcsRunSettings(loc({ image: 'flights:2', memory: 4096 }), { image: 'base:1', subnets: ['subnet-a'], securityGroups: ['sg-1'], memory: 1024, taskRoleArn: 'arn:aws:iam::1:role/runs' });
  assert.deepEqual(s, {
    image: 'flights:2',
    cpu: 1024,
    memory: 4096,
    taskRoleArn: 'arn:aws:iam::1:role/runs',
    launchType: 'FARGATE',
    networkMode: 'awsvpc',
    subnets: ['subnet-a'],
    securityGroups: ['sg-1'],
    assignPublicIp: false,
    logGroup: '/gantry/runs',
    logStreamPrefix: 'gantry',
    platformVersion: 'LATEST',
    containerName: 'run',
  });
});

test('EC2 with bridge networking needs no subnets and has no platform version', () => {
  const s = resolveEcsRunSettings(loc({ image: 'flights:2', launchType: 'EC2', networkMode: 'bridge' }), {});
  assert.equal(s.networkMode, 'bridge');
  assert.equal(s.platformVersion, undefined);
});

test('every problem is named with the code location', () => {
  assert.throws(
    () => resolveEcsRunSettings(loc({ networkMode: 'bridge' }), {}),
    (e: unknown) =>
      e instanceof EcsSettingsError &&
      e.message === 'code location prod/flights cannot run on ECS: ecs.image is missing (set it in gantry.yaml or in GANTRY_ECS_RUN_DEFAULTS); ecs.networkMode bridge is not allowed on FARGATE, which needs awsvpc',
  );
  assert.throws(() => resolveEcsRunSettings(loc(), { image: 'x:1' }), (e: unknown) => e instanceof EcsSettingsError && /ecs\.subnets is missing/.test(e.message));
});
