/**
 * The gantry (control plane) Helm chart, checked with a real `helm`: lint and
 * template over every values file in deploy/helm/gantry/ci, and the rendered
 * Deployment, migration hook Job, Service and Ingresses parsed with `yaml`.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ANNOUNCED_CONTROL_PLANE_ENV, envNamesRead } from './support/env-names';
import { chartDir, ciValuesFiles, helm, one, renderChart, renderNotes, type K8sObject } from './support/helm';

const CHART = 'gantry';
const ci = (name: string) => path.join(chartDir(CHART), 'ci', `${name}-values.yaml`);

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  command?: string[];
  env: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  securityContext: Record<string, unknown>;
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
}
interface PodSpec {
  automountServiceAccountToken: boolean;
  securityContext: Record<string, unknown>;
  containers: Container[];
  restartPolicy?: string;
}
type Workload = K8sObject & { spec: { template: { spec: PodSpec } } };

const pod = (o: K8sObject) => (o as Workload).spec.template.spec;
const envOf = (o: K8sObject) => new Map(pod(o).containers[0]!.env.map((e) => [e.name, e]));

function assertRestricted(spec: PodSpec, what: string): void {
  assert.equal(spec.securityContext['runAsNonRoot'], true, what);
  assert.deepEqual(spec.securityContext['seccompProfile'], { type: 'RuntimeDefault' }, what);
  assert.equal(spec.automountServiceAccountToken, false, `${what}: no Kubernetes API token`);
  for (const c of spec.containers) {
    assert.deepEqual(
      [c.securityContext['allowPrivilegeEscalation'], c.securityContext['readOnlyRootFilesystem'], c.securityContext['capabilities']],
      [false, true, { drop: ['ALL'] }],
      what,
    );
  }
}

describe('gantry control-plane chart', () => {
  test('helm lint --strict passes with every CI values file', async () => {
    const files = ciValuesFiles(CHART);
    assert.ok(files.length >= 3, `several CI values files: ${files.map((f) => path.basename(f)).join(', ')}`);
    for (const file of files) {
      const r = await helm(['lint', '--strict', chartDir(CHART), '--values', file]);
      assert.equal(r.code, 0, `${path.basename(file)}:\n${r.out}`);
    }
  });

  test('the server and the migration Job run under the restricted Pod Security profile', async () => {
    for (const file of ciValuesFiles(CHART)) {
      const objects = await renderChart(CHART, file);
      assertRestricted(pod(one(objects, 'Deployment')), `${path.basename(file)} Deployment`);
      for (const job of objects.filter((o) => o.kind === 'Job')) assertRestricted(pod(job), `${path.basename(file)} Job`);
    }
  });

  test('the server connects with the runtime Secret, listens on all interfaces and is probed on /healthz and /readyz', async () => {
    const objects = await renderChart(CHART, ci('full'), 'gantry', 'platform');
    const deployment = one(objects, 'Deployment');
    const env = envOf(deployment);
    assert.deepEqual(env.get('DATABASE_URL')?.valueFrom, { secretKeyRef: { name: 'gantry-db-runtime', key: 'url' } });
    assert.equal(env.get('GANTRY_BIND_HOST')?.value, '0.0.0.0', 'reachable from the Service');
    assert.equal(env.get('GANTRY_HTTP_PORT')?.value, '8080');
    assert.equal(env.get('GANTRY_GRPC_PORT')?.value, '8443');
    assert.equal(env.get('GANTRY_AGENT_ENDPOINT')?.value, 'agents.gantry.example.com:443', "the gRPC ingress is what agents dial (the console's install commands)");
    assert.equal(env.get('GANTRY_OIDC_ISSUER')?.value, 'https://keycloak.example.com/realms/gantry');
    assert.equal(env.get('GANTRY_OIDC_AUDIENCE')?.value, 'gantry-api');
    assert.equal(env.get('GANTRY_CONSOLE_ORIGIN')?.value, 'https://console.gantry.example.com');
    assert.equal(env.get('OTEL_EXPORTER_OTLP_ENDPOINT')?.value, 'http://otel-collector.observability:4318');
    const c = pod(deployment).containers[0]!;
    assert.deepEqual(c.ports?.map((p) => [p.name, p.containerPort]), [['http', 8080], ['grpc', 8443]]);
    assert.deepEqual(c.readinessProbe?.httpGet, { path: '/readyz', port: 'http' });
    assert.deepEqual(c.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
    assert.equal((deployment as Workload & { spec: { replicas: number } }).spec.replicas, 3);
  });

  test('every environment variable the chart sets is one the control plane reads (or one announced for issue 4)', async () => {
    const known = new Set([...envNamesRead(['apps/control-plane/src', 'libs/telemetry/src']), ...ANNOUNCED_CONTROL_PLANE_ENV, 'NODE_ENV']);
    for (const file of ciValuesFiles(CHART)) {
      const objects = await renderChart(CHART, file);
      const names = [one(objects, 'Deployment'), ...objects.filter((o) => o.kind === 'Job')].flatMap((o) => [...envOf(o).keys()]);
      assert.deepEqual(names.filter((n) => !known.has(n)), [], path.basename(file));
    }
  });

  test('migrations run as a pre-install/pre-upgrade hook: `gantry db migrate --app-role` with the owner Secret', async () => {
    const objects = await renderChart(CHART, ci('full'), 'gantry', 'platform');
    const job = one(objects, 'Job');
    assert.equal(job.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.match(job.metadata.annotations?.['helm.sh/hook-delete-policy'] ?? '', /before-hook-creation/);
    const c = pod(job).containers[0]!;
    assert.deepEqual(c.command, ['gantry', 'db', 'migrate', '--app-role', 'gantry_runtime']);
    assert.deepEqual(envOf(job).get('DATABASE_URL')?.valueFrom, { secretKeyRef: { name: 'gantry-db-owner', key: 'url' } });
    assert.equal(pod(job).restartPolicy, 'Never');
    const server = JSON.stringify(one(objects, 'Deployment'));
    assert.ok(!server.includes('gantry-db-owner'), 'the server never sees the owner connection string');
  });

  test('with migrations disabled there is no Job and no owner Secret is needed', async () => {
    const objects = await renderChart(CHART, ci('no-migrations'));
    assert.equal(objects.filter((o) => o.kind === 'Job').length, 0);
    assert.ok(!JSON.stringify(objects).includes('gantry-db-owner'));
  });

  test('one Service exposes HTTP and gRPC; the Ingresses route each host to its port', async () => {
    const objects = await renderChart(CHART, ci('full'), 'gantry', 'platform');
    const service = one(objects, 'Service') as K8sObject & { spec: { ports: { name: string; port: number; targetPort: string; appProtocol?: string }[] } };
    assert.deepEqual(service.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['http', 8080, 'http'], ['grpc', 8443, 'grpc']]);
    assert.equal(service.spec.ports[1]!.appProtocol, 'grpc');
    type Ingress = K8sObject & { spec: { ingressClassName: string; tls: { hosts: string[]; secretName: string }[]; rules: { host: string; http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[] } };
    const ingresses = objects.filter((o) => o.kind === 'Ingress') as Ingress[];
    assert.deepEqual(
      ingresses.map((i) => [i.spec.rules[0]!.host, i.spec.rules[0]!.http.paths[0]!.backend.service.port.name, i.spec.tls[0]!.secretName, i.spec.ingressClassName]),
      [['api.gantry.example.com', 'http', 'gantry-api-tls', 'nginx'], ['agents.gantry.example.com', 'grpc', 'gantry-agents-tls', 'nginx']],
    );
    assert.equal(ingresses[1]!.metadata.annotations?.['nginx.ingress.kubernetes.io/backend-protocol'], 'GRPC');
    assert.ok(ingresses.every((i) => i.spec.rules[0]!.http.paths[0]!.backend.service.name === service.metadata.name));
    assert.equal((await renderChart(CHART, ci('minimal'))).filter((o) => o.kind === 'Ingress').length, 0, 'no Ingress by default');
  });

  test('NOTES.txt tells where agents connect and how to mint their token', async () => {
    const notes = await renderNotes(CHART, ci('full'), 'gantry', 'platform');
    assert.match(notes, /agents\.gantry\.example\.com:443/);
    assert.match(notes, /gantry tokens agent --org <org> --name <agent>/);
    assert.match(await renderNotes(CHART, ci('minimal'), 'gantry', 'platform'), /gantry\.platform\.svc:4001/);
  });
});
