/**
 * A person's day in the console, end to end, in Debian's Chromium against a
 * real Keycloak (its own login page), a real control plane and a real agent
 * running the flights pipeline: sign in, open the lineage graph, launch the
 * pipeline from it, watch log lines arrive live, see the materialization and
 * its checks on the asset page, see what it cost, create and revoke an API
 * token; and a Viewer is refused a launch. Screenshots of every page go to
 * test-results/screenshots/daily-work/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from '@gantry/browser-testing';
// Imported so the test runner starts Keycloak for this file.
import '@gantry/keycloak-testing';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { startConsoleStack, type ConsoleStack } from './support/console-stack';

const FLIGHTS = ['flights/airports', 'flights/daily_delays_by_airport', 'flights/raw_flights', 'flights/top_delays'];
const TERMINAL = ['SUCCESS', 'FAILURE', 'CANCELED'];

/** Polls `check` from Node (the console's CSP forbids eval in the page) for up to 15 s. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) if (await check()) return;
  assert.fail(`not within 15 s: ${what}`);
}

async function assertAxeClean(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: ${describeViolations(violations)}`);
}

describe("a day in the console (real Keycloak, control plane and agent; Chromium)", () => {
  let stack: ConsoleStack;

  before(async () => {
    stack = await startConsoleStack({ identity: 'keycloak', suite: 'daily-work' });
    assert.ok(stack.realm, 'signed in through a real Keycloak realm');
    await stack.waitForAsset('flights/top_delays');
  });
  after(async () => {
    await stack?.close();
  });

  test('sign in at Keycloak, lineage graph, launch flights, live logs, materialization and checks, cost, an API token made and revoked', async () => {
    const owner = await stack.addUser('OWNER', 'Olivia Owner');
    const page = await stack.signIn(owner);
    await page.waitForURL(`${stack.baseUrl}/${stack.orgSlug}/prod/assets`);

    // The lineage graph: four assets, three edges, laid out and labelled with their status.
    await page.getByRole('button', { name: 'Graph' }).click();
    const graph = page.getByRole('region', { name: 'Lineage graph' });
    for (const key of FLIGHTS) await graph.locator('.react-flow__node', { hasText: key }).waitFor();
    assert.equal(await graph.locator('.react-flow__node').count(), 4, 'one node per flights asset');
    await eventually(async () => (await graph.locator('.react-flow__edge').count()) === 3, 'raw_flights and airports feed daily delays, which feeds top delays');
    await assertAxeClean(page, 'lineage graph');
    await stack.screenshot(page, 'lineage-graph');

    // Select every asset on the graph and launch the selection, then the whole partition range.
    await graph.locator('.react-flow__node', { hasText: FLIGHTS[0]! }).click();
    for (const key of FLIGHTS.slice(1)) await graph.locator('.react-flow__node', { hasText: key }).click({ modifiers: ['Control'] });
    await page.getByRole('link', { name: 'Launch selected (4)' }).click();
    await page.getByRole('heading', { name: 'Launch a run' }).waitFor();
    for (const key of FLIGHTS) assert.ok(await page.getByRole('checkbox', { name: new RegExp(`^${key} `) }).isChecked(), `${key} came selected from the graph`);
    await page.getByRole('radio', { name: 'A range' }).check();
    await page.getByRole('button', { name: 'All 6' }).click();
    await stack.screenshot(page, 'launch');
    await page.getByRole('button', { name: 'Launch run of 4 assets' }).click();
    await page.waitForURL(new RegExp(`/${stack.orgSlug}/prod/runs/[0-9a-f-]{36}$`));
    const runId = page.url().split('/').pop()!;

    // Log lines arrive while the run is live.
    const counts: number[] = [];
    for (const deadline = Date.now() + 180_000; Date.now() < deadline; await page.waitForTimeout(100)) {
      const status = await page.locator('.run-status-line .status').innerText();
      if (TERMINAL.includes(status)) break;
      const n = Number((await page.getByTestId('log-count').innerText()).match(/(\d+) lines/)?.[1] ?? 0);
      if (n > 0 && !counts.includes(n)) counts.push(n);
    }
    assert.ok(counts.length >= 2 && counts.at(-1)! > counts[0]!, `log lines arrived while the run was live: ${JSON.stringify(counts)}`);
    await stack.screenshot(page, 'run-live');
    await page.locator('.run-status-line .status', { hasText: 'SUCCESS' }).waitFor({ timeout: 180_000 });
    assert.equal((await stack.waitForRun(runId)).status, 'SUCCESS');
    await page.getByRole('heading', { name: 'Materializations (4)' }).waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('run-cost-usd').innerText({ timeout: 30_000 }), /^\d+\.\d+ USD$/, 'the run shows what it cost');
    await assertAxeClean(page, 'run page');
    await stack.screenshot(page, 'run-success');

    // The asset page: the new materialization with its metadata, the checks, and a cost figure.
    await page.locator('.run-output').getByRole('link', { name: 'flights/raw_flights' }).click();
    await page.getByRole('heading', { name: 'flights/raw_flights', level: 1 }).waitFor();
    const newest = page.locator('.materializations > li').first();
    await newest.getByRole('link', { name: `Run ${runId}` }).waitFor({ timeout: 30_000 });
    assert.ok((await newest.getByRole('definition').allInnerTexts()).includes('3,000,000'), 'row_count, formatted');
    const checks = await page.locator('#checks-title + table').innerText();
    assert.match(checks, /no_null_dates[\s\S]*passed/);
    assert.match(checks, /row_count_positive[\s\S]*passed/);
    await assertAxeClean(page, 'asset page');
    await stack.screenshot(page, 'asset');

    await page.locator('nav.sidenav').getByRole('link', { name: 'Cost' }).click();
    const topRow = page.getByTestId('top-asset-row').first();
    await topRow.waitFor({ timeout: 30_000 });
    const shown = (await topRow.locator('td').nth(2).innerText()).trim();
    assert.ok(Number(shown.replace(/[$,]/g, '')) > 0, `a non-zero cost figure: ${shown}`);
    await assertAxeClean(page, 'cost page');
    await stack.screenshot(page, 'cost');

    // An API token for a script: shown once, works, revoked, refused.
    await page.locator('nav.sidenav').getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('nightly-export');
    await page.getByLabel('Role', { exact: true }).selectOption('VIEWER');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.locator('.secret').innerText()).trim();
    registerTestSecret(secret, 'API token created in the console');
    const call = () =>
      fetch(`${stack.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ query: '{ assets { key } }' }) });
    const ok = await call();
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { data: { assets: unknown[] } }).data.assets.length, 4, 'the new token reads the catalog');
    await stack.screenshot(page, 'api-token-created');
    const row = page.locator('tr[data-token="nightly-export"]');
    await row.getByRole('button', { name: 'Revoke token nightly-export' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByText('Revoked').waitFor();
    assert.equal((await call()).status, 401, 'the revoked token is refused');
    await stack.screenshot(page, 'api-token-revoked');
    assert.deepEqual(stack.browserProblems(), [], 'no page errors');
  });

  test('a Viewer has no Launch and is refused one by the server', async () => {
    const viewer = await stack.addUser('VIEWER', 'Victor Viewer');
    const page = await stack.signIn(viewer);
    await page.waitForSelector('nav.sidenav a');
    assert.ok(!(await page.locator('nav.sidenav').innerText()).includes('Launch'), 'Launch is not offered');
    await page.goto(stack.url('launch?assets=flights/airports'));
    await page.getByRole('heading', { name: 'Launch a run' }).waitFor();
    // The page lets the attempt through; the server is the authority.
    await page.getByRole('button', { name: 'Launch run of 1 asset' }).click();
    const alert = page.getByRole('alert').filter({ hasText: /FORBIDDEN/ });
    await alert.waitFor({ timeout: 30_000 });
    await stack.screenshot(page, 'viewer-refused');
    const runs = await stack.gql<{ runs: { edges: { node: { launchedBy: string | null } }[] } }>('{ runs(first: 100) { edges { node { launchedBy } } } }');
    const viewerRow = await stack.prisma.user.findFirstOrThrow({ where: { email: viewer.email } });
    assert.ok(!runs.runs.edges.some((e) => e.node.launchedBy === `user:${viewerRow.id}`), 'no run was queued for the Viewer');
  });
});
