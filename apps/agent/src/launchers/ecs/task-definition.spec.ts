import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveEcsRunSettings } from './ecs-run-settings';
import { buildTaskDefinition, taskDefinitionFamily } from './task-definition';

test('families keep only the characters ECS allows, and stay distinct and within 255 characters when cut', () => {
  assert.equal(taskDefinitionFamily({ organization: '3f2a9c1e-0b7d-4e55-9a61-2c4b8d0e1f37', deployment: 'feature/new.ui', codeLocation: 'flights' }), 'gantry-3f2a9c1e-0b7d-4e55-9a61-2c4b8d0e1f37-feature_new_ui-flights');
  const long = (n: string) => taskDefinitionFamily({ organization: 'o', deployment: 'd'.repeat(300), codeLocation: n });
  assert.equal(long('a').length, 255);
  assert.match(long('a'), /^gantry-o-d+-[0-9a-f]{12}$/);
  assert.notEqual(long('a'), long('b'));
});

test('the spec digest changes with the version and the settings, not with the call', () => {
  const id = { organization: 'o', deployment: 'prod', codeLocation: 'flights', codeLocationVersion: 3 };
  const settings = resolveEcsRunSettings({ name: 'flights', deployment: 'prod', ecs: { image: 'flights:1', subnets: ['subnet-a'] } }, {});
  const digest = (r: ReturnType<typeof buildTaskDefinition>) => r.tags?.find((t) => t.key === 'gantry.spec-digest')?.value;
  const base = buildTaskDefinition(id, settings, 'eu-west-1');
  assert.equal(digest(base), digest(buildTaskDefinition(id, settings, 'eu-west-1')));
  assert.notEqual(digest(base), digest(buildTaskDefinition({ ...id, codeLocationVersion: 4 }, settings, 'eu-west-1')));
  assert.notEqual(digest(base), digest(buildTaskDefinition(id, { ...settings, image: 'flights:2' }, 'eu-west-1')));
  assert.deepEqual(base.containerDefinitions?.[0]?.logConfiguration, {
    logDriver: 'awslogs',
    options: { 'awslogs-group': '/gantry/runs', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'gantry' },
  });
  assert.deepEqual([base.cpu, base.memory, base.networkMode, base.requiresCompatibilities], ['1024', '2048', 'awsvpc', ['FARGATE']]);
});
