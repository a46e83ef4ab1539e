/**
 * The asset catalog in Chromium against a real control plane and a real agent
 * serving the flights example: the table lists the agent's assets with their
 * status, filters narrow it and live in the URL, the lineage graph draws the
 * four assets and their three edges, the upstream/downstream focus changes the
 * visible nodes, the selection links to the launch page, and an empty
 * deployment says how to get assets. axe finds no WCAG A/AA violation.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from '@gantry/browser-testing';
import { startConsoleStack, type ConsoleStack, type ConsoleUser } from './support/console-stack';

const FLIGHTS = ['flights/airports', 'flights/daily_delays_by_airport', 'flights/raw_flights', 'flights/top_delays'];

async function assertAxeClean(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], describeViolations(violations));
}

/** The asset keys in the table, in order. */
async function tableKeys(page: Page): Promise<string[]> {
  return page.locator('table.asset-table tbody tr td:nth-child(2) a').allInnerTexts();
}

/** Waits (up to 10 s: the list re-renders after the URL changes) until the table lists exactly `expected`, then asserts it. */
async function expectTableKeys(page: Page, expected: string[], message?: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await page.waitForTimeout(50)) {
    if (JSON.stringify(await tableKeys(page)) === JSON.stringify(expected)) break;
  }
  assert.deepEqual(await tableKeys(page), expected, message);
}

/** Waits (up to 10 s) until `selector` matches `count` elements (polling from Node: the console's CSP forbids eval in the page). */
async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await page.waitForTimeout(50)) {
    if ((await page.locator(selector).count()) === count) return;
  }
  assert.equal(await page.locator(selector).count(), count, `${selector} elements`);
}

/** The asset keys of the graph's nodes on screen, sorted. */
async function graphKeys(page: Page): Promise<string[]> {
  return (await page.locator('.react-flow__node .asset-node-key').allInnerTexts()).sort();
}

describe('asset catalog and lineage graph (real control plane, real agent with the flights example, Chromium)', () => {
  let stack: ConsoleStack;
  let launcher: ConsoleUser;

  before(async () => {
    stack = await startConsoleStack({ identity: 'dev', suite: 'catalog' });
    await stack.waitForAsset('flights/top_delays');
    // Statuses as the ingest path stores them: raw_flights materialized, airports materialized with a failed check.
    const assets = await stack.prisma.asset.findMany({ where: { orgId: stack.orgId } });
    const id = (key: string) => assets.find((a) => a.key === key)!;
    const runId = randomUUID();
    for (const [seq, key] of ['flights/raw_flights', 'flights/airports'].entries()) {
      const a = id(key);
      await stack.prisma.materialization.create({ data: { orgId: stack.orgId, deploymentId: a.deploymentId, assetId: a.id, runId, eventSeq: seq + 1, createdAt: new Date() } });
    }
    const airports = id('flights/airports');
    await stack.prisma.assetCheckEvaluation.create({
      data: { orgId: stack.orgId, deploymentId: airports.deploymentId, assetId: airports.id, checkName: 'iata_codes_unique', runId, eventSeq: 3, passed: false, severity: 'ERROR', createdAt: new Date() },
    });
    launcher = await stack.addUser('LAUNCHER', 'Lena Launcher');
  });
  after(async () => {
    await stack?.close();
  });

  test('the table lists the flights assets with status as text; filters narrow it and are kept in the URL', async () => {
    const page = await stack.signIn(launcher, `/${stack.orgSlug}/prod/assets`);
    await page.waitForSelector('table.asset-table');
    await expectTableKeys(page, FLIGHTS);
    const row = (key: string) => page.locator('table.asset-table tbody tr', { has: page.getByRole('link', { name: key, exact: true }) });
    assert.match(await row('flights/raw_flights').innerText(), /Materialized/);
    assert.match(await row('flights/airports').innerText(), /Checks failing[\s\S]*0\/1 checks passed/);
    assert.match(await row('flights/top_delays').innerText(), /Never materialized/);
    assert.equal(
      await row('flights/raw_flights').getByRole('link', { name: 'flights/raw_flights' }).getAttribute('href'),
      `/${stack.orgSlug}/prod/assets/flights/raw_flights`,
      'the key links to the asset page, slashes kept',
    );
    await stack.screenshot(page, 'table');
    await assertAxeClean(page);

    await page.getByLabel('Owner').selectOption('team:analytics');
    await expectTableKeys(page, ['flights/daily_delays_by_airport', 'flights/top_delays']);
    await page.getByLabel('Tag').selectOption('tier=gold');
    await expectTableKeys(page, ['flights/top_delays']);
    assert.match(page.url(), /owner=team%3Aanalytics/);
    assert.match(page.url(), /tag=tier%3Dgold/);
    await page.getByLabel('Owner').selectOption('');
    await page.getByLabel('Tag').selectOption('');
    await page.getByLabel('Status').selectOption('CHECKS_FAILING');
    await expectTableKeys(page, ['flights/airports']);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Kind').selectOption('parquet');
    await expectTableKeys(page, ['flights/raw_flights']);
    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('Search').fill('ten airports');
    await expectTableKeys(page, ['flights/top_delays'], 'search matches the description');
    await page.getByLabel('Search').fill('nothing-matches-this');
    await page.getByText('No asset matches these filters').waitFor();
    await stack.screenshot(page, 'no-match');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expectTableKeys(page, FLIGHTS);

    // A link keeps the filters: a fresh browser opening it sees the same narrowed list.
    const linked = await stack.signIn(launcher, `/${stack.orgSlug}/prod/assets?group=flights&owner=team%3Adata-platform`);
    await linked.waitForSelector('table.asset-table');
    await expectTableKeys(linked, ['flights/airports', 'flights/raw_flights']);
    assert.equal(await linked.getByLabel('Owner').inputValue(), 'team:data-platform');
  });

  test('the graph shows the four assets and three edges; focus shows upstream or downstream of the selection; Launch selected links the launch page', async () => {
    const page = await stack.signIn(launcher, `/${stack.orgSlug}/prod/assets`);
    await page.getByRole('button', { name: 'Graph' }).click();
    await page.waitForSelector('.react-flow__node');
    assert.match(page.url(), /view=graph/);
    assert.deepEqual(await graphKeys(page), FLIGHTS);
    await waitForCount(page, '.react-flow__edge', 3);
    assert.equal(await page.locator('.react-flow__edge').count(), 3, 'raw_flights → daily_delays, airports → daily_delays, daily_delays → top_delays');
    assert.match(await page.locator('.react-flow__node', { hasText: 'flights/airports' }).innerText(), /Checks failing/, 'status is text on the node, not only colour');
    await stack.screenshot(page, 'graph');
    await assertAxeClean(page);

    await page.locator('.react-flow__node', { hasText: 'flights/daily_delays_by_airport' }).click();
    await page.getByText('1 selected').waitFor();
    assert.match(page.url(), /selected=flights%2Fdaily_delays_by_airport/);
    const launch = page.getByRole('link', { name: 'Launch selected (1)' });
    assert.equal(await launch.getAttribute('href'), `/${stack.orgSlug}/prod/launch?assets=flights%2Fdaily_delays_by_airport`);

    await page.getByLabel('Lineage', { exact: true }).selectOption('upstream');
    await waitForCount(page, '.react-flow__node', 3);
    assert.deepEqual(await graphKeys(page), ['flights/airports', 'flights/daily_delays_by_airport', 'flights/raw_flights']);
    await stack.screenshot(page, 'focus-upstream');
    await page.getByLabel('Lineage', { exact: true }).selectOption('downstream');
    await waitForCount(page, '.react-flow__node', 2);
    assert.deepEqual(await graphKeys(page), ['flights/daily_delays_by_airport', 'flights/top_delays']);
    await stack.screenshot(page, 'focus-downstream');
    await assertAxeClean(page);
    await page.getByLabel('Lineage', { exact: true }).selectOption('both');
    await waitForCount(page, '.react-flow__node', 4);
    assert.match(page.url(), /focus=both/);

    // Ctrl-click adds to the selection; the launch link carries both keys.
    await page.getByLabel('Lineage', { exact: true }).selectOption('all');
    await page.locator('.react-flow__node', { hasText: 'flights/top_delays' }).click({ modifiers: ['Control'] });
    await page.getByText('2 selected').waitFor();
    const href = await page.getByRole('link', { name: 'Launch selected (2)' }).getAttribute('href');
    assert.deepEqual(decodeURIComponent(href!.split('assets=')[1]!).split(',').sort(), ['flights/daily_delays_by_airport', 'flights/top_delays']);

    await page.locator('.react-flow__node', { hasText: 'flights/raw_flights' }).dblclick();
    await page.waitForURL(`${stack.baseUrl}/${stack.orgSlug}/prod/assets/flights/raw_flights`);
    assert.deepEqual(stack.browserProblems(), []);
  });

  test('a deployment without assets says how to get some', async () => {
    await stack.prisma.deployment.create({ data: { orgId: stack.orgId, name: 'staging' } });
    const page = await stack.signIn(launcher, `/${stack.orgSlug}/staging/assets`);
    await page.getByText('No assets yet').waitFor();
    assert.match(await page.locator('.state-empty').innerText(), /Start an agent with a code location/);
    await stack.screenshot(page, 'empty');
    await assertAxeClean(page);
  });
});
