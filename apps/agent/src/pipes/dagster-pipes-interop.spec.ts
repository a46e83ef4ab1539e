/**
 * Interop with the upstream Python `dagster-pipes` package as the customer
 * process: every message kind it writes lands as the right Gantry event.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import type { CodeLocationDefinition } from '@gantry/code-location';
import { EventSequencer, type AgentRunEvent } from '../runs/event-sequencer';
import { ProcessRunLauncher } from '../launchers/process-launcher';
import { RunExecutor } from '../runs/run-executor';

const PYTHON = path.resolve(import.meta.dirname, '../../../../.gantry/venv/bin/python');

const SCRIPT = `
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as context:
    context.log.info("hello from python")
    context.log.warning("careful")
    context.report_asset_materialization(
        asset_key="weather/daily",
        metadata={"rows": 12, "source": {"raw_value": "https://example.com", "type": "url"}},
        data_version="abc123",
    )
    context.report_asset_check(asset_key="weather/daily", check_name="no_nulls", passed=False, severity="WARN", metadata={"nulls": 3})
    context.report_custom_message({"run": context.run_id, "partition": context.partition_key, "extras": context.extras})
`;

test('upstream python dagster_pipes as the customer process: opened, log, materialization, check, custom message, closed', { skip: !existsSync(PYTHON) && `no python venv at ${PYTHON}` }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-agent-py-'));
  writeFileSync(path.join(dir, 'job.py'), SCRIPT);
  const location: CodeLocationDefinition = {
    name: 'weather',
    deployment: 'prod',
    command: [PYTHON, 'job.py'],
    workingDirectory: dir,
    env: {},
    timeoutSeconds: 60,
    assets: [{ keyPath: ['weather', 'daily'], key: 'weather/daily', group: 'default', owners: [], kinds: [], tags: {}, deps: [], checks: [], partitions: { type: 'static', keys: ['nyc'] } }],
  };
  const events: AgentRunEvent[] = [];
  const executor = new RunExecutor({
    assignment: {
      runId: 'run-py',
      deployment: 'prod',
      codeLocation: 'weather',
      codeLocationVersion: 1,
      assetKeys: ['weather/daily'],
      partitionKey: 'nyc',
      partitionRangeStart: '',
      partitionRangeEnd: '',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      leaseExpiresAtMs: 0,
      tagsJson: '{}',
      storedSeq: 0,
    },
    location,
    launcher: new ProcessRunLauncher(),
    sequencer: new EventSequencer('run-py', 0, (e) => events.push(e)),
    runsDir: mkdtempSync(path.join(os.tmpdir(), 'gantry-agent-runs-')),
    logger: pino({ level: 'silent' }),
    maxMessageBytes: 1024 * 1024,
  });
  const outcome = await executor.execute();
  const failure = events.find((e) => e.type === 'RUN_FAILURE');
  assert.equal(outcome, 'success', `run failed: ${failure?.message}`);
  const t = events.map((e) => e.type);
  assert.deepEqual(
    t.filter((x) => x !== 'COMPUTE_LOG'),
    ['RUN_STARTING', 'RUN_STARTED', 'PIPES_OPENED', 'LOG', 'LOG', 'ASSET_MATERIALIZATION', 'ASSET_CHECK_EVALUATION', 'CUSTOM_MESSAGE', 'PIPES_CLOSED', 'RUN_RESOURCE_USAGE', 'RUN_SUCCESS'],
  );
  const body = (e: AgentRunEvent | undefined) => JSON.parse(e!.payloadJson) as Record<string, unknown>;
  const logs = events.filter((e) => e.type === 'LOG');
  assert.deepEqual(logs.map((e) => [e.level, e.message]), [['INFO', 'hello from python'], ['WARNING', 'careful']]);
  const mat = events.find((e) => e.type === 'ASSET_MATERIALIZATION');
  assert.equal(mat?.assetKey, 'weather/daily');
  assert.deepEqual(body(mat), {
    metadata: { rows: { raw_value: 12, type: 'int' }, source: { raw_value: 'https://example.com', type: 'url' } },
    dataVersion: 'abc123',
    partitionKey: 'nyc',
  });
  const check = events.find((e) => e.type === 'ASSET_CHECK_EVALUATION');
  assert.equal(check?.assetKey, 'weather/daily');
  assert.deepEqual(body(check), { checkName: 'no_nulls', passed: false, severity: 'WARN', metadata: { nulls: { raw_value: 3, type: 'int' } } });
  const custom = body(events.find((e) => e.type === 'CUSTOM_MESSAGE'))['payload'] as { run: string; partition: string; extras: Record<string, string> };
  assert.equal(custom.run, 'run-py');
  assert.equal(custom.partition, 'nyc');
  assert.equal(custom.extras['gantry_run_id'], 'run-py');
  assert.equal(custom.extras['code_location'], 'weather');
});
