import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTelemetry, type Telemetry } from '@gantry/telemetry';
import { createCodeLocation, createTenant, startApiHarness, type ApiHarness, type Tenant } from '../api/testing/api-test-kit';

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
let h: ApiHarness;
let tenant: Tenant;

before(async () => {
  telemetry = startTelemetry({ serviceName: 'gantry-launch-trace-spec', exporter });
  h = await startApiHarness();
  tenant = await createTenant(h.prisma);
  await createCodeLocation(h.prisma, tenant, { assets: [{ key: 'traced/asset' }] });
});
after(async () => {
  await h.close();
  await telemetry.shutdown();
});

test('launchRun runs in a graphql.launchRun span and stores that span as the run traceparent', async () => {
  exporter.reset();
  const r = await h.gql<{ launchRun: { id: string; traceparent: string | null } }>(tenant.token, 'mutation { launchRun(input: { assetKeys: ["traced/asset"] }) { id traceparent } }');
  assert.equal(r.status, 200, JSON.stringify(r.errors));
  const span = exporter.getFinishedSpans().find((s) => s.name === 'graphql.launchRun');
  assert.ok(span, 'the launch span was exported');
  assert.equal(span.attributes['gantry.run_id'], r.data?.launchRun.id);
  assert.equal(span.attributes['gantry.org_id'], tenant.orgId);
  const { traceId, spanId } = span.spanContext();
  assert.equal(r.data?.launchRun.traceparent, `00-${traceId}-${spanId}-01`);
  const row = await h.prisma.run.findUniqueOrThrow({ where: { id: r.data!.launchRun.id } });
  assert.equal(row.traceparent, `00-${traceId}-${spanId}-01`);
});

test('a refused launch records its error code on the span', async () => {
  exporter.reset();
  const r = await h.gql(tenant.token, 'mutation { launchRun(input: { assetKeys: ["nope/x"] }) { id } }');
  assert.equal(r.errors?.[0]?.extensions?.['code'], 'ASSET_NOT_FOUND');
  const span = exporter.getFinishedSpans().find((s) => s.name === 'graphql.launchRun');
  assert.equal(span?.attributes['gantry.error_code'], 'ASSET_NOT_FOUND');
});
