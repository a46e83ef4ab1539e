/**
 * The ECS agent's CloudFormation template (deploy/ecs/agent-service.yaml):
 * real `cfn-lint` (pinned in scripts/requirements-dev.txt, installed into
 * .gantry/venv by scripts/ensure-install.mjs) reports nothing, deliberately
 * broken copies fail with the rule that catches them, and the IAM policies,
 * parameters and container definition are checked on the parsed template.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseCloudFormation } from './support/cloudformation';
import { ANNOUNCED_AGENT_ENV, envNamesRead } from './support/env-names';
import { ROOT } from './support/helm';

const run = promisify(execFile);
const TEMPLATE = path.join(ROOT, 'deploy/ecs/agent-service.yaml');
const CFN_LINT = path.join(ROOT, '.gantry/venv/bin/cfn-lint');
const text = readFileSync(TEMPLATE, 'utf8');
const template = parseCloudFormation(text);

async function cfnLint(file: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(CFN_LINT, ['--format', 'parseable', file], { cwd: ROOT });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Writes `text` with `from` replaced by `to` (which must occur) into a temp file. */
function brokenCopy(from: string | RegExp, to: string): string {
  const broken = text.replace(from, to);
  assert.notEqual(broken, text, `the mutation ${String(from)} applies`);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gantry-cfn-')), 'agent-service.yaml');
  writeFileSync(file, broken);
  return file;
}

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
function statements(role: string): Statement[] {
  const policies = template.Resources[role]!.Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const asList = (r: unknown) => (Array.isArray(r) ? r : [r]);

describe('ECS agent CloudFormation template', () => {
  test('cfn-lint reports no error and no warning', async () => {
    const r = await cfnLint(TEMPLATE);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.trim(), '', 'nothing reported');
  });

  const broken: [string, string | RegExp, string, RegExp][] = [
    ['a misspelled property', 'DesiredCount: !Ref DesiredCount', 'DesiredCont: !Ref DesiredCount', /E3002/],
    ['a reference to a parameter that does not exist', 'ValueFrom: !Ref AgentTokenSecretArn', 'ValueFrom: !Ref AgentTokenSecret', /E1020|E1012/],
    ['an unknown resource type', 'Type: AWS::ECS::Service', 'Type: AWS::ECS::Servic', /E3006/],
    ['a launch type that does not exist', 'LaunchType: FARGATE', 'LaunchType: FARGATE_SPOTTY', /E3030/],
    // A warning is a failure too: the template must lint clean.
    ['an IAM action that does not exist', 'Action: ecs:RunTask', 'Action: ecs:RunTasks', /W3037/],
    ['a parameter nothing uses', 'Memory: !Ref AgentMemory', 'Memory: "512"', /W2001/],
  ];
  for (const [what, from, to, rule] of broken) {
    test(`a copy with ${what} fails cfn-lint`, async () => {
      const r = await cfnLint(brokenCopy(from, to));
      assert.notEqual(r.code, 0, `cfn-lint accepted ${what}`);
      assert.match(r.out, rule);
    });
  }

  test('every parameter is constrained (pattern, allowed values, range or an AWS-specific type)', () => {
    for (const [name, p] of Object.entries(template.Parameters)) {
      const constrained = 'AllowedPattern' in p || 'AllowedValues' in p || ('MinValue' in p && 'MaxValue' in p) || p.Type.startsWith('AWS::') || p.Type.startsWith('List<AWS::');
      assert.ok(constrained, `parameter ${name} is constrained`);
      assert.ok(typeof p['Description'] === 'string', `parameter ${name} is described`);
    }
  });

  test('the task role allows exactly the calls of the ECS launcher', () => {
    const all = statements('TaskRole').flatMap(actions).sort();
    assert.deepEqual(all, [
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeTasks',
      'ecs:ListTasks',
      'ecs:RegisterTaskDefinition',
      'ecs:RunTask',
      'ecs:StopTask',
      'ecs:TagResource',
      'iam:PassRole',
      'logs:CreateLogStream',
      'logs:FilterLogEvents',
      'logs:GetLogEvents',
      'logs:PutLogEvents',
    ]);
    assert.ok(statements('TaskRole').every((s) => s.Effect === 'Allow'));
  });

  test('iam:PassRole covers only the two run roles, and only towards ECS tasks', () => {
    const pass = statements('TaskRole').filter((s) => actions(s).includes('iam:PassRole'));
    assert.equal(pass.length, 1);
    assert.deepEqual(pass[0]!.Resource, [{ Ref: 'RunTaskRoleArn' }, { Ref: 'RunExecutionRoleArn' }]);
    assert.deepEqual(pass[0]!.Condition, { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  test('task runs, stops and listings are confined to the one cluster; logs to the stack\'s log groups', () => {
    for (const s of statements('TaskRole')) {
      const resources = asList(s.Resource);
      if (actions(s).some((a) => a.startsWith('logs:'))) {
        assert.deepEqual(resources, [{ 'Fn::GetAtt': ['RunLogGroup', 'Arn'] }, { 'Fn::GetAtt': ['AgentLogGroup', 'Arn'] }]);
      }
      if (actions(s).some((a) => ['ecs:RunTask', 'ecs:ListTasks'].includes(a))) {
        assert.match(JSON.stringify(s.Condition?.['ArnEquals']?.['ecs:cluster']), /cluster\/\$\{ClusterName\}/, s.Sid);
      }
      if (actions(s).some((a) => ['ecs:StopTask', 'ecs:DescribeTasks'].includes(a))) {
        assert.deepEqual(resources.map((r) => JSON.stringify(r)).filter((r) => !r.includes('task/${ClusterName}/*')), [], s.Sid);
      }
      if (resources.includes('*')) {
        assert.ok(
          actions(s).every((a) => ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition'].includes(a)) || s.Condition,
          `${s.Sid}: a wildcard resource only where the action has no resource-level permissions, or under a condition`,
        );
      }
    }
  });

  test('the execution role reads only the agent-token secret, and the token never sits in the environment', () => {
    const secretStatements = statements('ExecutionRole').filter((s) => actions(s).some((a) => a.startsWith('secretsmanager:')));
    assert.equal(secretStatements.length, 1);
    assert.deepEqual(actions(secretStatements[0]!), ['secretsmanager:GetSecretValue']);
    assert.deepEqual(secretStatements[0]!.Resource, { Ref: 'AgentTokenSecretArn' });
    const container = (template.Resources['AgentTaskDefinition']!.Properties['ContainerDefinitions'] as Record<string, unknown>[])[0]!;
    assert.deepEqual(container['Secrets'], [{ Name: 'GANTRY_AGENT_TOKEN', ValueFrom: { Ref: 'AgentTokenSecretArn' } }]);
    const env = (container['Environment'] as unknown[]).flatMap((e) => {
      const entry = e as { Name?: string; 'Fn::If'?: [string, { Name: string }, unknown] };
      return entry.Name ? [entry.Name] : entry['Fn::If'] ? [entry['Fn::If'][1].Name] : [];
    });
    assert.ok(!env.includes('GANTRY_AGENT_TOKEN'));
    const known = new Set([...envNamesRead(['apps/agent/src', 'libs/telemetry/src']), ...ANNOUNCED_AGENT_ENV]);
    assert.deepEqual(env.filter((n) => !known.has(n)), [], 'every variable is one the agent reads');
    assert.deepEqual((container['LogConfiguration'] as { LogDriver: string }).LogDriver, 'awslogs');
    assert.equal(container['ReadonlyRootFilesystem'], true);
    assert.match(String(container['User']), /^[1-9]\d*:/, 'a non-root user');
  });
});
