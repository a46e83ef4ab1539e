/**
 * The reported-cost convention through the unmodified upstream `dagster-pipes`
 * Python client: valid costs ride on the materialization; bad ones become a
 * WARNING log event naming the problem; a materialization of an asset outside
 * the run never becomes an event; the run still succeeds and ends with
 * RUN_RESOURCE_USAGE just before RUN_SUCCESS.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import type { CodeLocationDefinition } from '@gantry/code-location';
import type { ResourceUsagePayload } from '@gantry/domain';
import { ProcessRunLauncher } from '../launchers/process-launcher';
import { EventSequencer, type AgentRunEvent } from '../runs/event-sequencer';
import { RunExecutor } from '../runs/run-executor';

/** The workspace venv's Python with the upstream dagster-pipes (scripts/ensure-install.mjs). */
const UPSTREAM_PYTHON = path.resolve(import.meta.dirname, '../../../../.gantry/venv/bin/python');
const skipWithoutUpstream = existsSync(UPSTREAM_PYTHON) ? false : `no python venv at ${UPSTREAM_PYTHON}`;

const SCRIPT = `
import time
from dagster_pipes import DagsterPipesError, open_dagster_pipes

with open_dagster_pipes() as context:
    end = time.time() + 0.4
    x = 0
    while time.time() < end:
        x += 1
    context.report_asset_materialization(
        asset_key="shop/orders",
        metadata={
            "gantry/cost_usd": 1.25,
            "gantry/bytes_scanned": 123456789,
            "gantry/cost": [{"amount": 3.5, "unit": "credits", "label": "snowflake"}],
        },
    )
    context.report_asset_materialization(
        asset_key="shop/customers",
        metadata={
            "gantry/cost_usd": -4,
            "gantry/warehouse_credits": "a lot",
            "gantry/cost": {"raw_value": {"amount": 2, "unit": "doubloons"}, "type": "json"},
            "gantry/bytes_scanned": 1e30,
            "rows": 10,
        },
    )
    try:
        context.report_asset_materialization(asset_key="other/asset", metadata={"gantry/cost_usd": 9.0})
    except DagsterPipesError as e:
        context.log.error("refused by the client: " + str(e))
`;

test('upstream dagster-pipes reports costs by metadata; bad ones are refused with a WARNING event, the rest kept', { skip: skipWithoutUpstream }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-cost-py-'));
  writeFileSync(path.join(dir, 'job.py'), SCRIPT);
  const asset = (key: string) => ({ keyPath: key.split('/'), key, group: 'default', owners: [], kinds: [], tags: {}, deps: [], checks: [] });
  const location: CodeLocationDefinition = {
    name: 'shop',
    deployment: 'prod',
    command: [UPSTREAM_PYTHON, 'job.py'],
    workingDirectory: dir,
    env: {},
    timeoutSeconds: 60,
    assets: [asset('shop/orders'), asset('shop/customers')],
  };
  const events: AgentRunEvent[] = [];
  const runId = 'run-cost-py';
  const outcome = await new RunExecutor({
    assignment: {
      runId, deployment: 'prod', codeLocation: 'shop', codeLocationVersion: 1, assetKeys: ['shop/orders', 'shop/customers'],
      partitionKey: '', partitionRangeStart: '', partitionRangeEnd: '', traceparent: '', leaseExpiresAtMs: 0, tagsJson: '{}', storedSeq: 0,
    },
    location,
    launcher: new ProcessRunLauncher(),
    sequencer: new EventSequencer(runId, 0, (e) => events.push(e)),
    runsDir: mkdtempSync(path.join(os.tmpdir(), 'gantry-cost-runs-')),
    logger: pino({ level: 'silent' }),
    maxMessageBytes: 1024 * 1024,
  }).execute();
  assert.equal(outcome, 'success', events.find((e) => e.type === 'RUN_FAILURE')?.message);
  const types = events.map((e) => e.type).filter((t) => t !== 'COMPUTE_LOG');
  assert.deepEqual(types.slice(-3), ['PIPES_CLOSED', 'RUN_RESOURCE_USAGE', 'RUN_SUCCESS']);

  const mats = events.filter((e) => e.type === 'ASSET_MATERIALIZATION');
  assert.deepEqual(mats.map((e) => e.assetKey), ['shop/orders', 'shop/customers'], 'the materialization outside the run is refused');
  const orders = JSON.parse(mats[0]!.payloadJson) as { metadata: Record<string, unknown> };
  assert.deepEqual(orders.metadata['gantry/cost_usd'], { raw_value: 1.25, type: 'float' });
  assert.deepEqual(orders.metadata['gantry/cost'], { raw_value: [{ amount: 3.5, unit: 'credits', label: 'snowflake' }], type: 'json' });

  const warnings = events.filter((e) => e.type === 'LOG' && e.level === 'WARNING').map((e) => e.message);
  assert.equal(warnings.length, 4, warnings.join('\n'));
  assert.ok(warnings.some((m) => /gantry\/cost_usd on shop\/customers: amount -4 is negative/.test(m)), warnings.join('\n'));
  assert.ok(warnings.some((m) => /gantry\/warehouse_credits on shop\/customers: not a number/.test(m)));
  assert.ok(warnings.some((m) => /gantry\/cost on shop\/customers: unknown unit "doubloons"/.test(m)));
  assert.ok(warnings.some((m) => /gantry\/bytes_scanned on shop\/customers: .*absurd/.test(m)));
  // Upstream refuses an asset outside the run before sending (the agent refuses it too: run-executor.spec.ts).
  assert.ok(events.some((e) => e.type === 'LOG' && /refused by the client: .*other\/asset/.test(e.message)));

  const usage = JSON.parse(events.find((e) => e.type === 'RUN_RESOURCE_USAGE')!.payloadJson) as ResourceUsagePayload;
  assert.equal(usage.launcher, 'process');
  assert.equal(usage.basis, 'measured');
  assert.ok(usage.cpuSeconds > 0.1, `cpu ${usage.cpuSeconds}`);
  assert.ok(usage.wallSeconds >= 0.4);
  assert.ok(usage.memoryPeakBytes > 5 * 1024 * 1024, `peak ${usage.memoryPeakBytes}`);
  assert.ok(usage.memoryGbSeconds > 0);
  assert.match(usage.priced.usd, /^0\.\d{9}$/);
  assert.ok(Number(usage.priced.usd) > 0);
  assert.equal(usage.priced.vcpuHourUsd, 0.04048);
});
