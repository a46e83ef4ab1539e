/**
 * Interop test: `weather.py`, written against the unmodified upstream
 * `dagster-pipes` (requirements.txt), runs as a real Python child process
 * with Pipes bootstrap variables made by our own `encodePipesParams`, and
 * every message it writes parses with our `parsePipesMessageLine`.
 * Needs the venv at `<repo>/.gantry/venv` (created by the workspace setup).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadCodeLocation } from '@gantry/code-location';
import { createPipesContextData } from '@gantry/pipes';
import { paramsOf, runPipesChild, type PipesChildRun } from '@gantry/pipes/testing';

const HERE = import.meta.dirname;
const PYTHON = path.resolve(HERE, '../../.gantry/venv/bin/python');
const DAILY = 'weather/daily_weather';
const MONTHLY = 'weather/monthly_summary';

/**
 * Runs weather.py with a context file and, by default, a file message channel
 * as the agent's process launcher does; `channel: 'stderr'` asks dagster_pipes
 * to write its messages to stderr instead (the stdio channel).
 */
function runWeather(dataDir: string, assetKeys: string[], channel: 'file' | 'stderr' = 'file'): Promise<PipesChildRun> {
  const context = createPipesContextData({
    asset_keys: assetKeys,
    run_id: `test-${Date.now()}`,
    extras: { deployment: 'prod', code_location: 'python-weather' },
  });
  return runPipesChild({ command: PYTHON, args: ['weather.py'], cwd: HERE, context, channel, env: { GANTRY_EXAMPLE_DATA_DIR: dataDir } });
}

describe('python-weather with the upstream dagster-pipes client', { skip: existsSync(PYTHON) ? false : `no venv at ${PYTHON}` }, () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-weather-data-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('gantry.yaml is a valid code location naming weather.py', async () => {
    const location = await loadCodeLocation(HERE);
    assert.deepEqual(location.command, ['python', 'weather.py']);
    assert.deepEqual(location.assets.map((a) => a.key), [DAILY, MONTHLY]);
    assert.deepEqual(location.assets[1]?.deps, [DAILY]);
  });

  test('both materializations, the check and the custom message arrive', async () => {
    const run = await runWeather(dataDir, [DAILY, MONTHLY]);
    assert.equal(run.code, 0, `exit 0; stderr: ${run.stderr}`);
    assert.equal(run.messages[0]?.method, 'opened');
    assert.equal(run.messages.at(-1)?.method, 'closed');
    assert.equal(paramsOf(run.messages, 'closed')[0]?.exception ?? undefined, undefined, 'closed without exception');

    const mats = paramsOf(run.messages, 'report_asset_materialization');
    assert.deepEqual(mats.map((m) => m.asset_key), [DAILY, MONTHLY]);
    const [daily, monthly] = mats;
    assert.deepEqual(daily?.metadata?.['row_count'], { raw_value: 1461, type: 'int' }, 'every day of seattle-weather.csv');
    assert.equal(daily?.metadata?.['first_day']?.raw_value, '2012-01-01');
    assert.equal(daily?.metadata?.['first_day']?.type, '__infer__', 'raw values travel as __infer__');
    assert.equal(daily?.metadata?.['preview']?.type, 'md');
    assert.match(daily?.data_version ?? '', /^[0-9a-f]{16}$/);
    assert.deepEqual(monthly?.metadata?.['row_count'], { raw_value: 48, type: 'int' }, 'four years of months');
    assert.deepEqual(monthly?.metadata?.['months']?.raw_value, ['2012-01', '2015-12']);
    assert.ok(existsSync(path.join(dataDir, 'python-weather', 'monthly_summary.csv')));

    const checks = paramsOf(run.messages, 'report_asset_check');
    assert.equal(checks.length, 1);
    assert.equal(checks[0]?.asset_key, DAILY);
    assert.equal(checks[0]?.check_name, 'temperatures_plausible');
    assert.equal(checks[0]?.passed, true);
    assert.equal(checks[0]?.severity, 'ERROR');

    // Wettest month 2015-12 (284.5 mm), hottest 2015-07: computed independently from the CSV.
    const custom = paramsOf(run.messages, 'report_custom_message');
    assert.equal(custom.length, 1);
    assert.deepEqual(custom[0]?.payload, { kind: 'weather_summary', months: 48, wettest_month: '2015-12', hottest_month: '2015-07' });
    assert.ok(paramsOf(run.messages, 'log').some((l) => l.message.includes('1461 days')));
  });

  test('monthly_summary alone reads the daily data of the previous run', async () => {
    const run = await runWeather(dataDir, [MONTHLY]);
    assert.equal(run.code, 0, `exit 0; stderr: ${run.stderr}`);
    assert.deepEqual(paramsOf(run.messages, 'report_asset_materialization').map((m) => m.asset_key), [MONTHLY]);
    assert.equal(paramsOf(run.messages, 'report_asset_check').length, 0, 'no check of an unselected asset');
  });

  test('through the stdio (stderr) channel the same messages arrive', async () => {
    const run = await runWeather(dataDir, [DAILY, MONTHLY], 'stderr');
    assert.equal(run.code, 0, `exit 0; stderr: ${run.stderr}`);
    assert.deepEqual(run.messages.map((m) => m.method), [
      'opened', 'log', 'report_asset_materialization', 'report_asset_check', 'log', 'report_asset_materialization', 'report_custom_message', 'log', 'closed',
    ]);
  });

  test('an error inside open_dagster_pipes reaches us as closed with the exception', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'gantry-weather-empty-'));
    try {
      const run = await runWeather(empty, [MONTHLY]);
      assert.notEqual(run.code, 0);
      const closed = paramsOf(run.messages, 'closed');
      assert.equal(closed.length, 1);
      assert.equal(closed[0]?.exception?.name, 'FileNotFoundError');
      assert.match(closed[0]?.exception?.message ?? '', /needs weather\/daily_weather/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
