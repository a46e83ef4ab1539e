/**
 * The gantry-agent Helm chart, checked with a real `helm` (built from source by
 * scripts/ensure-helm.ts): `helm lint --strict` and `helm template` over every
 * values file in deploy/helm/gantry-agent/ci, and the rendered manifests parsed
 * with `yaml` and checked field by field.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseCodeLocation } from '@gantry/code-location';
import { ANNOUNCED_AGENT_ENV, envNamesRead } from './support/env-names';
import { chartDir, ciValuesFiles, helm, one, renderChart, renderNotes, type K8sObject } from './support/helm';

const CHART = 'gantry-agent';
const ci = (name: string) => path.join(chartDir(CHART), 'ci', `${name}-values.yaml`);

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Container {
  name: string;
  env: EnvVar[];
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes: { name: string; emptyDir?: unknown; configMap?: { name: string } }[];
}

function podSpec(objects: K8sObject[]): PodSpec {
  return (one(objects, 'Deployment') as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
}
function agentEnv(objects: K8sObject[]): Map<string, EnvVar> {
  return new Map(podSpec(objects).containers[0]!.env.map((e) => [e.name, e]));
}

describe('gantry-agent chart', () => {
  test('helm lint --strict passes with every CI values file', async () => {
    const files = ciValuesFiles(CHART);
    assert.ok(files.length >= 4, `several CI values files: ${files.map((f) => path.basename(f)).join(', ')}`);
    for (const file of files) {
      const r = await helm(['lint', '--strict', chartDir(CHART), '--values', file]);
      assert.equal(r.code, 0, `${path.basename(file)}:\n${r.out}`);
      assert.match(r.out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  test('every CI values file renders a Deployment that meets the restricted Pod Security profile', async () => {
    for (const file of ciValuesFiles(CHART)) {
      const objects = await renderChart(CHART, file);
      const spec = podSpec(objects);
      const name = path.basename(file);
      assert.equal(spec.securityContext['runAsNonRoot'], true, name);
      assert.ok(Number(spec.securityContext['runAsUser']) > 0, `${name}: a non-root uid`);
      assert.deepEqual(spec.securityContext['seccompProfile'], { type: 'RuntimeDefault' }, name);
      for (const c of spec.containers) {
        assert.equal(c.securityContext['allowPrivilegeEscalation'], false, name);
        assert.equal(c.securityContext['readOnlyRootFilesystem'], true, name);
        assert.equal(c.securityContext['runAsNonRoot'], true, name);
        assert.deepEqual(c.securityContext['capabilities'], { drop: ['ALL'] }, name);
        assert.deepEqual(c.securityContext['seccompProfile'], { type: 'RuntimeDefault' }, name);
      }
      const state = spec.containers[0]!.volumeMounts.find((m) => m.mountPath === agentEnv(objects).get('GANTRY_AGENT_STATE_DIR')?.value);
      assert.ok(state, `${name}: the state dir is a mounted volume`);
      assert.ok(spec.volumes.find((v) => v.name === state.name)?.emptyDir, `${name}: the state dir is an emptyDir (the root filesystem is read-only)`);
      assert.ok(spec.containers[0]!.volumeMounts.some((m) => m.mountPath === '/tmp'), `${name}: /tmp is writable`);
    }
  });

  test('every environment variable the chart sets is one the agent reads (or one announced for issue 4)', async () => {
    const known = new Set([...envNamesRead(['apps/agent/src', 'libs/telemetry/src']), ...ANNOUNCED_AGENT_ENV]);
    // The variables the agent cannot start without are read today.
    for (const required of ['GANTRY_CONTROL_PLANE_GRPC', 'GANTRY_AGENT_TOKEN', 'GANTRY_CODE_LOCATIONS', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
      assert.ok(known.has(required), `the agent reads ${required}`);
    }
    for (const file of ciValuesFiles(CHART)) {
      const extra = file.endsWith('full-values.yaml') ? new Set(['HTTPS_PROXY']) : new Set<string>();
      const unknown = [...agentEnv(await renderChart(CHART, file)).keys()].filter((n) => !known.has(n) && !extra.has(n));
      assert.deepEqual(unknown, [], `${path.basename(file)} sets variables the agent does not read`);
    }
  });

  test('the Role grants exactly the verbs the kubernetes launcher needs, bound to the agent ServiceAccount in the runs namespace', async () => {
    const objects = await renderChart(CHART, ci('full'), 'acme', 'gantry');
    const role = one(objects, 'Role') as K8sObject & { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    assert.equal(role.metadata.namespace, 'gantry-runs');
    const rules = role.rules.map((r) => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: [...r.verbs].sort() }));
    assert.deepEqual(rules, [
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'delete', 'get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
    assert.equal(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding').length, 0, 'nothing cluster-wide');
    const binding = one(objects, 'RoleBinding') as K8sObject & { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] };
    const sa = one(objects, 'ServiceAccount');
    assert.equal(binding.metadata.namespace, 'gantry-runs');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'gantry' }]);
    const spec = podSpec(objects);
    assert.equal(spec.serviceAccountName, sa.metadata.name);
    assert.equal(spec.automountServiceAccountToken, true, 'the kubernetes launcher calls the API with the pod token');
    assert.equal(agentEnv(objects).get('GANTRY_K8S_NAMESPACE')?.value, 'gantry-runs');
  });

  test('with the process launcher there is no Role and no API token in the pod', async () => {
    const objects = await renderChart(CHART, ci('process-launcher'));
    assert.equal(objects.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding').length, 0);
    assert.equal(podSpec(objects).automountServiceAccountToken, false);
    const env = agentEnv(objects);
    assert.equal(env.get('GANTRY_AGENT_LAUNCHER')?.value, 'process');
    assert.equal(env.has('GANTRY_K8S_RUN_DEFAULTS'), false);
  });

  test('with the ecs launcher the agent gets the cluster and run defaults, and no Kubernetes RBAC', async () => {
    const objects = await renderChart(CHART, ci('ecs-launcher'));
    const env = agentEnv(objects);
    assert.equal(env.get('GANTRY_AGENT_LAUNCHER')?.value, 'ecs');
    assert.equal(env.get('GANTRY_ECS_CLUSTER')?.value, 'data-runs');
    assert.deepEqual(JSON.parse(env.get('GANTRY_ECS_RUN_DEFAULTS')?.value ?? ''), { subnets: ['subnet-0abc', 'subnet-0def'], securityGroups: ['sg-0123'], assignPublicIp: 'DISABLED' });
    assert.equal(env.has('GANTRY_K8S_NAMESPACE'), false);
    assert.equal(objects.filter((o) => o.kind === 'Role').length, 0);
    assert.equal(one(objects, 'ServiceAccount').metadata.annotations?.['eks.amazonaws.com/role-arn'], 'arn:aws:iam::123456789012:role/gantry-agent');
  });

  test('an existing token Secret is referenced, never copied: no Secret is rendered and no token text is inlined', async () => {
    const objects = await renderChart(CHART, ci('existing-secret'));
    assert.equal(objects.filter((o) => o.kind === 'Secret').length, 0);
    const token = agentEnv(objects).get('GANTRY_AGENT_TOKEN');
    assert.deepEqual(token, { name: 'GANTRY_AGENT_TOKEN', valueFrom: { secretKeyRef: { name: 'gantry-agent-token', key: 'agent-token' } } });
  });

  test('a token given as a value goes into a Secret the Deployment references; the Deployment never holds it', async () => {
    const objects = await renderChart(CHART, ci('minimal'));
    const secret = one(objects, 'Secret') as K8sObject & { data: Record<string, string> };
    assert.equal(Buffer.from(secret.data['token']!, 'base64').toString(), 'gat_minimal_example_token');
    const deployment = JSON.stringify(one(objects, 'Deployment'));
    assert.ok(!deployment.includes('gat_minimal_example_token'), 'the token text is not in the Deployment');
    assert.ok(!deployment.includes(Buffer.from('gat_minimal_example_token').toString('base64')), 'nor its base64');
    assert.deepEqual(agentEnv(objects).get('GANTRY_AGENT_TOKEN')?.valueFrom, { secretKeyRef: { name: secret.metadata.name, key: 'token' } });
  });

  test('code locations become gantry.yaml files in a ConfigMap that the agent loader accepts, listed in GANTRY_CODE_LOCATIONS', async () => {
    const objects = await renderChart(CHART, ci('full'), 'acme');
    const cm = one(objects, 'ConfigMap') as K8sObject & { data: Record<string, string> };
    assert.deepEqual(Object.keys(cm.data).sort(), ['flights.yaml', 'weather.yaml']);
    const flights = parseCodeLocation(cm.data['flights.yaml']!, '/etc/gantry/code-locations/flights.yaml');
    assert.equal(flights.name, 'flights');
    assert.equal(flights.deployment, 'prod');
    assert.equal(flights.assets.length, 2);
    assert.equal(parseCodeLocation(cm.data['weather.yaml']!, '/etc/gantry/code-locations/weather.yaml').deployment, 'staging');
    const spec = podSpec(objects);
    const volume = spec.volumes.find((v) => v.configMap?.name === cm.metadata.name);
    assert.ok(volume, 'the ConfigMap is a volume');
    const mount = spec.containers[0]!.volumeMounts.find((m) => m.name === volume.name);
    const paths = agentEnv(objects).get('GANTRY_CODE_LOCATIONS')?.value?.split(',');
    assert.deepEqual(paths, Object.keys(cm.data).map((k) => `${mount?.mountPath}/${k}`));
  });

  test('run defaults, queues, deployments, prices and the OTLP endpoint reach the agent as the agreed variables', async () => {
    const env = agentEnv(await renderChart(CHART, ci('full'), 'acme'));
    assert.deepEqual(JSON.parse(env.get('GANTRY_K8S_RUN_DEFAULTS')?.value ?? ''), {
      serviceAccountName: 'gantry-run',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '4Gi' } },
      nodeSelector: { workload: 'data' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }],
      imagePullSecrets: [{ name: 'registry-credentials' }],
      ttlSecondsAfterFinished: 600,
      envFromSecrets: ['warehouse-credentials'],
    });
    assert.equal(env.get('GANTRY_AGENT_QUEUES')?.value, 'default,gpu');
    assert.equal(env.get('GANTRY_AGENT_DEPLOYMENTS')?.value, 'prod,staging');
    assert.deepEqual(JSON.parse(env.get('GANTRY_AGENT_PRICES')?.value ?? ''), { vcpuHourUsd: 0.0404, gbHourUsd: 0.0044 });
    assert.equal(env.get('OTEL_EXPORTER_OTLP_ENDPOINT')?.value, 'http://otel-collector.observability:4318');
    assert.equal(env.get('GANTRY_AGENT_NAME')?.value, 'acme-prod-cluster');
    assert.equal(env.get('GANTRY_AGENT_MAX_RUNS')?.value, '8');
  });

  test('several replicas report their pod names so agent names stay unique', async () => {
    const objects = await renderChart(CHART, ci('replicas'));
    assert.equal((one(objects, 'Deployment') as unknown as { spec: { replicas: number } }).spec.replicas, 3);
    assert.deepEqual(agentEnv(objects).get('GANTRY_AGENT_NAME')?.valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
    assert.equal(agentEnv(objects).get('GANTRY_CONTROL_PLANE_GRPC')?.value, '[fd00::1]:4001');
  });

  test('the NetworkPolicy admits no inbound traffic and lets out only DNS, the control plane port, the API server and extraEgress', async () => {
    const objects = await renderChart(CHART, ci('full'), 'acme');
    const policy = one(objects, 'NetworkPolicy') as K8sObject & { spec: { policyTypes: string[]; ingress: unknown[]; egress: { ports: { protocol: string; port: number }[]; to?: unknown[] }[] } };
    assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(policy.spec.ingress, []);
    const ports = policy.spec.egress.map((rule) => rule.ports.map((p) => `${p.protocol}/${p.port}`).join(' '));
    assert.deepEqual(ports, ['UDP/53 TCP/53', 'TCP/443', 'TCP/443', 'TCP/4318']);
    assert.ok(policy.spec.egress[3]!.to, 'extraEgress keeps its destination');
    assert.equal((await renderChart(CHART, ci('minimal'))).filter((o) => o.kind === 'NetworkPolicy').length, 0, 'off by default');
  });

  test('NOTES.txt says how to check that the agent connected', async () => {
    const notes = await renderNotes(CHART, ci('full'), 'acme', 'gantry');
    assert.match(notes, /kubectl --namespace gantry logs deployment\/acme-agent/);
    assert.match(notes, /code locations reported/);
    assert.match(notes, /"acme-prod-cluster"\s+with status "connected"/);
    assert.match(notes, /agents \{ name connected lastHeartbeatAt \}/);
    assert.match(await renderNotes(CHART, ci('replicas')), /one entry per pod/);
  });
});
