/**
 * One trace spans the launch mutation, the dispatch, the agent's launch and the
 * customer process: the traceparent travels in the run row, the RunAssignment
 * and the pipes context extras. Spans are collected by an in-memory exporter.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTelemetry, type Telemetry } from '@gantry/telemetry';
import { startStack, waitForAsset, writeCodeLocation, type Stack } from './support/stack';

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
let stack: Stack;

// The customer process: plain Node, decodes the pipes params itself and echoes the traceparent it was given.
const CUSTOMER = `
import { appendFileSync, readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
const decode = (v) => JSON.parse(inflateSync(Buffer.from(v, 'base64')).toString());
const ctx = JSON.parse(readFileSync(decode(process.env.DAGSTER_PIPES_CONTEXT).path, 'utf8'));
const out = decode(process.env.DAGSTER_PIPES_MESSAGES).path;
const send = (method, params) => appendFileSync(out, JSON.stringify({ __dagster_pipes_version: '0.1', method, params }) + '\\n');
send('opened', { extras: {} });
send('report_custom_message', { payload: { traceparent: ctx.extras.traceparent ?? null } });
send('report_asset_materialization', { asset_key: 'traced/asset', data_version: null, metadata: {} });
send('closed', {});
`;

before(async () => {
  telemetry = startTelemetry({ serviceName: 'gantry-e2e', exporter });
  const location = writeCodeLocation(
    `name: traced\ndeployment: prod\ncommand: ["${process.execPath}", "customer.mjs"]\nassets:\n  - key: traced/asset\n`,
    { 'customer.mjs': CUSTOMER },
  );
  stack = await startStack([location]);
  await waitForAsset(stack, 'traced/asset');
});

after(async () => {
  await stack?.close();
  await telemetry?.shutdown();
});

test('launch mutation → dispatch → agent launch → customer process share one trace, each the parent of the next', async () => {
  exporter.reset();
  const { launchRun } = await stack.gql<{ launchRun: { id: string } }>('mutation { launchRun(input: { assetKeys: ["traced/asset"] }) { id } }');
  const run = await stack.waitForRun(launchRun.id);
  assert.equal(run.status, 'SUCCESS', run.failureReason ?? '');

  const event = await stack.prisma.runEvent.findFirstOrThrow({ where: { runId: launchRun.id, type: 'CUSTOM_MESSAGE' } });
  const customerTraceparent = ((event.payload as { payload: { traceparent: string | null } }).payload).traceparent;
  assert.ok(customerTraceparent, 'the customer process received a traceparent in the pipes context extras');
  const [, traceId, parentSpanId] = customerTraceparent.split('-');

  // Spans end asynchronously after the run; give the agent span a moment to finish.
  await new Promise((r) => setTimeout(r, 300));
  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const byName = (name: string) => spans.find((s) => s.name === name);
  const launch = byName('graphql.launchRun');
  const dispatch = byName('control_plane.dispatch_run');
  const agentLaunch = byName('agent.launch_run');
  assert.ok(launch && dispatch && agentLaunch, `spans of the trace: ${spans.map((s) => s.name).join(', ')}`);
  assert.equal(dispatch.parentSpanContext?.spanId, launch.spanContext().spanId, 'dispatch is a child of the launch mutation');
  assert.equal(agentLaunch.parentSpanContext?.spanId, dispatch.spanContext().spanId, "the agent's launch is a child of the dispatch");
  assert.equal(parentSpanId, agentLaunch.spanContext().spanId, "the customer process's parent is the agent's launch span");
  assert.equal(launch.attributes['gantry.run_id'], launchRun.id);
});
