/**
 * Launching and watching runs in the console, in Debian's Chromium against a
 * real control plane and a real agent (the flights example plus a throwaway
 * code location whose step logs slowly): launch from the launch page, land on
 * the run page, see log lines arrive while the run is live, see it succeed,
 * find the new materialization with metadata and checks on the asset page and
 * the run in the runs list; cancel a long run; a Viewer's launch is refused by
 * the server and shown. Every page is checked with axe.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { axeViolations, describeViolations } from '@gantry/browser-testing';
import { FLIGHTS_LOCATION, startConsoleStack, type ConsoleStack } from './support/console-stack';

/** A step that logs a line every 250 ms for a minute before it materializes: long enough to cancel. */
const SLOW_STEP = `
import { appendFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
const decode = (v) => JSON.parse(inflateSync(Buffer.from(v, 'base64')).toString());
const out = decode(process.env.DAGSTER_PIPES_MESSAGES).path;
const send = (method, params) => appendFileSync(out, JSON.stringify({ __dagster_pipes_version: '0.1', method, params }) + '\\n');
send('opened', { extras: {} });
for (let i = 1; i <= 240; i++) {
  send('log', { message: 'slow/asset: tick ' + i, level: 'INFO' });
  await new Promise((r) => setTimeout(r, 250));
}
send('report_asset_materialization', { asset_key: 'slow/asset', data_version: null, metadata: {} });
send('closed', {});
`;

function slowLocation(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-browser-slow-'));
  writeFileSync(path.join(dir, 'gantry.yaml'), `name: slow\ndeployment: prod\ncommand: ["${process.execPath}", "step.mjs"]\nassets:\n  - key: slow/asset\n    description: Logs for a minute, then materializes.\n`);
  writeFileSync(path.join(dir, 'step.mjs'), SLOW_STEP);
  return path.join(dir, 'gantry.yaml');
}

async function assertAxeClean(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: ${describeViolations(violations)}`);
}

/** Waits until `locator` matches exactly `n` elements. */
async function waitForCount(locator: Locator, n: number, timeoutMs = 30_000): Promise<void> {
  let count = -1;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    count = await locator.count();
    if (count === n) return;
  }
  throw new Error(`expected ${n} matches, still ${count} after ${timeoutMs} ms`);
}

/** The status badge text at the top of the run page. */
const runStatus = (page: Page) => page.locator('.run-status-line .status').innerText();
/** The number of log lines the run page shows ("12 lines"). */
const logCount = async (page: Page) => Number((await page.getByTestId('log-count').innerText()).match(/(\d+) lines/)?.[1] ?? 0);

describe('console runs: launch, live logs, asset page, cancel (real control plane and agent, Chromium)', () => {
  let stack: ConsoleStack;

  before(async () => {
    stack = await startConsoleStack({ identity: 'dev', suite: 'runs', codeLocations: [FLIGHTS_LOCATION, slowLocation()] });
    await stack.waitForAsset('flights/top_delays');
    await stack.waitForAsset('slow/asset');
  });
  after(async () => {
    await stack?.close();
  });

  test('a Launcher launches the flights pipeline for a partition range, watches logs arrive live, and finds the materialization on the asset page', async () => {
    const launcher = await stack.addUser('LAUNCHER', 'Lena Launcher');
    const keys = ['flights/raw_flights', 'flights/airports', 'flights/daily_delays_by_airport', 'flights/top_delays'];
    const page = await stack.signIn(launcher, `/${stack.orgSlug}/prod/launch?assets=${keys.join(',')}`);
    await page.getByRole('heading', { name: 'Launch a run' }).waitFor();
    for (const key of keys) assert.ok(await page.getByRole('checkbox', { name: new RegExp(`^${key} `) }).isChecked(), `${key} is pre-selected from ?assets=`);
    await page.getByRole('radio', { name: 'A range' }).check();
    await page.getByRole('button', { name: 'All 6' }).click();
    assert.equal(await page.getByLabel('First partition').inputValue(), '2001-01');
    assert.equal(await page.getByLabel('Last partition').inputValue(), '2001-06');
    await assertAxeClean(page, 'launch page');
    await stack.screenshot(page, 'launch-page');

    await page.getByRole('button', { name: 'Launch run of 4 assets' }).click();
    await page.waitForURL(new RegExp(`/${stack.orgSlug}/prod/runs/[0-9a-f-]{36}$`));
    const runId = page.url().split('/').pop()!;

    // Log lines arrive while the run is live: the count grows before the status turns terminal.
    const liveCounts: number[] = [];
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      const [count, status] = [await logCount(page), await runStatus(page)];
      if (['SUCCESS', 'FAILURE', 'CANCELED'].includes(status)) break;
      if (count > 0 && !liveCounts.includes(count)) liveCounts.push(count);
      await page.waitForTimeout(100);
    }
    assert.ok(liveCounts.length >= 2 && liveCounts[liveCounts.length - 1]! > liveCounts[0]!, `log lines arrived while the run was live: ${JSON.stringify(liveCounts)}`);
    await page.locator('.run-status-line .status', { hasText: 'SUCCESS' }).waitFor({ timeout: 120_000 });
    assert.equal((await stack.waitForRun(runId)).status, 'SUCCESS');
    await page.getByRole('heading', { name: 'Materializations (4)' }).waitFor({ timeout: 30_000 });
    const logs = await page.getByRole('region', { name: 'Run log lines' }).innerText();
    assert.match(logs, /flights\/raw_flights: computing/, 'the pipeline’s own log lines are shown');
    assert.match(await page.getByRole('heading', { name: /Check results/ }).innerText(), /Check results \(5\)/);
    assert.match(await page.locator('#run-timeline-title + table').innerText(), /flights\/top_delays[\s\S]*delays_plausible passed/);
    assert.match(await page.getByTestId('run-cost-usd').innerText({ timeout: 30_000 }), /^\d+\.\d{9} USD$/, 'the run’s priced resource usage');
    await assertAxeClean(page, 'run page (success)');
    await stack.screenshot(page, 'run-success');

    // The asset page (an in-app link) shows the new materialization with its metadata and checks.
    await page.locator('.run-output').getByRole('link', { name: 'flights/raw_flights' }).click();
    await page.getByRole('heading', { name: 'flights/raw_flights', level: 1 }).waitFor();
    const newest = page.locator('.materializations > li').first();
    await newest.getByRole('link', { name: `Run ${runId}` }).waitFor({ timeout: 30_000 });
    const metadata = await newest.getByRole('definition').allInnerTexts();
    assert.ok(metadata.includes(new Intl.NumberFormat('en-US').format(3_000_000)), `row_count rendered as a formatted number: ${metadata.join(' | ')}`);
    assert.match(await newest.innerText(), /dagster\/column_schema[\s\S]*delay[\s\S]*INTEGER/, 'the column schema as a table');
    assert.equal(await newest.getByRole('columnheader', { name: 'destination' }).count(), 1, 'the markdown preview table rendered as a table');
    const checks = await page.locator('#checks-title + table').innerText();
    assert.match(checks, /no_null_dates[\s\S]*passed/);
    assert.match(checks, /row_count_positive[\s\S]*passed/);
    await assertAxeClean(page, 'asset page');
    await stack.screenshot(page, 'asset-page');

    // The partitioned asset: all six months materialized by the range run.
    await page.getByRole('link', { name: 'flights/daily_delays_by_airport' }).first().click();
    const grid = page.getByRole('list', { name: 'Partitions of flights/daily_delays_by_airport' });
    await grid.waitFor();
    await page.getByText('Materialized (6)').waitFor({ timeout: 30_000 });
    assert.equal(await grid.getByRole('link', { name: /^2001-0[1-6]: materialized/ }).count(), 6);
    await assertAxeClean(page, 'partitioned asset page');
    await stack.screenshot(page, 'partitioned-asset-page');

    // The runs list shows the run, finished.
    await page.locator('nav.sidenav').getByRole('link', { name: 'Runs' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: `Run ${runId}` }) });
    await row.waitFor();
    assert.match(await row.innerText(), /SUCCESS[\s\S]*2001-01 … 2001-06/);
    await assertAxeClean(page, 'runs page');
    await stack.screenshot(page, 'runs-page');
    assert.deepEqual(stack.browserProblems(), []);
  });

  test('a Launcher cancels a long run from its page, confirms, and sees it end CANCELED', async (t) => {
    const launcher = await stack.addUser('LAUNCHER', 'Carl Canceller');
    const page = await stack.signIn(launcher, `/${stack.orgSlug}/prod/launch`);
    await page.getByLabel('Search assets').fill('slow');
    await page.getByRole('checkbox', { name: /^slow\/asset / }).check();
    await page.getByRole('button', { name: 'Launch run of 1 asset' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop()!;
    await page.getByText('slow/asset: tick 3', { exact: true }).waitFor({ timeout: 60_000 });
    assert.equal(await runStatus(page), 'STARTED');
    await page.getByRole('button', { name: 'Cancel run…' }).click();
    await page.getByRole('button', { name: 'Yes, cancel run' }).click();
    const seen = new Set<string>();
    for (const deadline = Date.now() + 60_000; !seen.has('CANCELED') && Date.now() < deadline; ) {
      seen.add(await runStatus(page));
      await page.waitForTimeout(50);
    }
    t.diagnostic(`statuses shown after Cancel: ${[...seen].join(' → ')}`);
    assert.ok(seen.has('CANCELED'), `the page showed CANCELED (saw ${[...seen].join(', ')})`);
    assert.equal((await stack.waitForRun(runId)).status, 'CANCELED');
    assert.equal(await page.getByRole('button', { name: /Cancel run/ }).count(), 0, 'no Cancel on an ended run');
    await assertAxeClean(page, 'run page (canceled)');
    await stack.screenshot(page, 'run-canceled');
  });

  test("a Viewer who opens the launch page directly gets the server's refusal, and sees no Cancel on a live run", async () => {
    const viewer = await stack.addUser('VIEWER', 'Vera Viewer');
    const page = await stack.signIn(viewer, `/${stack.orgSlug}/prod/launch?assets=slow/asset`);
    await page.getByRole('button', { name: 'Launch run of 1 asset' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.innerText(), /FORBIDDEN/, 'the server refused and the page says so');
    await assertAxeClean(page, 'launch page (refused)');
    await stack.screenshot(page, 'viewer-launch-refused');

    const { launchRun } = await stack.gql<{ launchRun: { id: string } }>('mutation { launchRun(input: { assetKeys: ["slow/asset"] }) { id } }');
    await page.locator('nav.sidenav').getByRole('link', { name: 'Runs' }).click();
    await page.getByRole('link', { name: `Run ${launchRun.id}` }).click();
    await page.getByText('slow/asset: tick 1', { exact: true }).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('button', { name: /Cancel run/ }).count(), 0, 'a Viewer is not offered Cancel');
    await stack.screenshot(page, 'viewer-run-page');
    await stack.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: launchRun.id });
    assert.equal((await stack.waitForRun(launchRun.id)).status, 'CANCELED');
  });
  test('the runs list pages with "Load more" and filters by status and asset', async () => {
    // 27 more runs, canceled at once (queued ones end CANCELED immediately), so the list has more than a page of 25.
    for (let i = 0; i < 27; i++) {
      const { launchRun } = await stack.gql<{ launchRun: { id: string } }>('mutation { launchRun(input: { assetKeys: ["slow/asset"] }) { id } }');
      await stack.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: launchRun.id });
    }
    const { runs } = await stack.gql<{ runs: { edges: { node: { id: string; status: string } }[] } }>('{ runs(first: 100) { edges { node { id status } } } }');
    const viewer = await stack.addUser('VIEWER', 'Rita Runs');
    const page = await stack.signIn(viewer, `/${stack.orgSlug}/prod/runs`);
    const runLinks = page.getByRole('link', { name: /^Run [0-9a-f-]{36}$/ });
    await runLinks.first().waitFor();
    assert.equal(await runLinks.count(), 25, 'a first page of 25');
    await page.getByRole('button', { name: 'Load more' }).click();
    await waitForCount(runLinks, runs.edges.length);
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0, 'no more pages');
    await assertAxeClean(page, 'runs page (two pages)');
    await stack.screenshot(page, 'runs-load-more');

    await page.getByRole('checkbox', { name: 'SUCCESS' }).check();
    await page.waitForURL(/status=SUCCESS/);
    const successes = runs.edges.filter((e) => e.node.status === 'SUCCESS').length;
    await waitForCount(runLinks, successes);
    for (const badge of await page.locator('tbody .status').allInnerTexts()) assert.equal(badge, 'SUCCESS');
    await page.getByRole('checkbox', { name: 'SUCCESS' }).uncheck();
    await page.getByLabel('Asset key').fill('flights/raw_flights');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/asset=flights%2Fraw_flights/);
    await waitForCount(runLinks, 1);
    assert.match(await page.locator('tbody').first().innerText(), /flights\/raw_flights/);
    await assertAxeClean(page, 'runs page (filtered)');
    await stack.screenshot(page, 'runs-filtered');
  });
});
