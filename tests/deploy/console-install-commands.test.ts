/**
 * The Agents page's install commands (apps/console/src/pages/agents/install-commands.ts)
 * run through bash as a user would paste them, with `kubectl` stubbed to print
 * its arguments (to stderr) and `helm install` swapped for the real `helm template`: the
 * chart accepts every --set, and the agent Deployment gets the address, TLS,
 * token Secret, name and deployments the console filled in.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
// The console is an app, not a library; this pure module (no DOM, no React) is what its Agents page renders.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ecsParameters, endpointUsesTls, helmInstallCommands, rotateCommands, TOKEN_SECRET } from '../../apps/console/src/pages/agents/install-commands';
import { helmBinary, ROOT, type K8sObject } from './support/helm';

const run = promisify(execFile);

/** Runs `script` in bash from the repository root with kubectl printing its words (one per line, prefixed) and helm templating. */
async function paste(script: string): Promise<{ kubectlWords: string[]; objects: K8sObject[] }> {
  const prelude = [
    'set -euo pipefail',
    // A pipeline (`kubectl create … | kubectl apply -f -`) would swallow stdout, so the words go to stderr.
    'kubectl() { printf "kubectl-word:%s\\n" "$@" >&2; }',
    'helm() { if [ "$1" = install ]; then shift; "$HELM_BIN" template "$@"; else "$HELM_BIN" "$@"; fi; }',
  ].join('\n');
  const { stdout, stderr } = await run('bash', ['-c', `${prelude}\n${script}`], { cwd: ROOT, env: { ...process.env, HELM_BIN: helmBinary() }, maxBuffer: 16 * 1024 * 1024 });
  const kubectlWords = stderr.split('\n').filter((l) => l.startsWith('kubectl-word:')).map((l) => l.slice('kubectl-word:'.length));
  const objects = parseAllDocuments(stdout).map((d) => d.toJS() as K8sObject | null).filter((o): o is K8sObject => o !== null);
  return { kubectlWords, objects };
}

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };

function agentEnv(objects: K8sObject[]): Map<string, Env> {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  assert.ok(deployment, 'helm template rendered a Deployment');
  const spec = deployment['spec'] as { template: { spec: { containers: { env: Env[] }[] } } };
  return new Map(spec.template.spec.containers[0]!.env.map((e) => [e.name, e]));
}

describe('console agent install commands', () => {
  const token = 'gantry_agent_AbC-123_xyz';

  test('helm install with a token Secret: the rendered agent dials the endpoint with the token', async () => {
    const script = helmInstallCommands({ token, endpoint: 'agents.gantry.example.com:443', agentName: "k8s prod, eu's", deployments: ['prod', 'staging'] });
    const { kubectlWords, objects } = await paste(script);
    assert.ok(kubectlWords.includes(`--from-literal=token=${token}`), 'the Secret holds the token');
    assert.ok(kubectlWords.includes(TOKEN_SECRET));
    const env = agentEnv(objects);
    assert.equal(env.get('GANTRY_CONTROL_PLANE_GRPC')?.value, 'agents.gantry.example.com:443');
    assert.equal(env.get('GANTRY_CONTROL_PLANE_TLS')?.value, 'true');
    assert.deepEqual(env.get('GANTRY_AGENT_TOKEN')?.valueFrom?.secretKeyRef, { name: TOKEN_SECRET, key: 'token' });
    assert.equal(env.get('GANTRY_AGENT_NAME')?.value, "k8s prod, eu's");
    assert.equal(env.get('GANTRY_AGENT_DEPLOYMENTS')?.value, 'prod,staging');
    assert.ok(!objects.some((o) => o.kind === 'Secret'), 'the chart does not create its own Secret: the token stays out of helm values');
  });

  test('a loopback endpoint dials without TLS; no deployments leaves the chart default', async () => {
    const { objects } = await paste(helmInstallCommands({ token, endpoint: '127.0.0.1:4301', agentName: '', deployments: [] }));
    const env = agentEnv(objects);
    assert.equal(env.get('GANTRY_CONTROL_PLANE_TLS')?.value, 'false');
    assert.equal(env.has('GANTRY_AGENT_DEPLOYMENTS'), false);
    assert.equal(endpointUsesTls('[::1]:4001'), false);
    assert.equal(endpointUsesTls('gantry.internal:4001'), true);
  });

  test('after a rotation: the Secret is replaced with the new token and the agent restarted', async () => {
    const { kubectlWords } = await paste(rotateCommands(token));
    assert.ok(kubectlWords.includes(`--from-literal=token=${token}`));
    assert.ok(kubectlWords.includes('--dry-run=client'));
    assert.ok(kubectlWords.includes('restart'));
    assert.deepEqual(ecsParameters('agents.example.com:8443'), { host: 'agents.example.com', port: '8443' });
  });
});
