/**
 * The Cost page in Debian's Chromium against a real control plane and a real
 * agent: after a real run of the flights example, the costliest assets show
 * non-zero figures that match the API; an Editor creates a budget and sees
 * spent vs limit, then deletes it after confirming; a Viewer gets no budget
 * form and the server refuses the Viewer's own attempt.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations, typeDevIssuerIdentity } from '@gantry/browser-testing';
import { startConsoleStack, type ConsoleStack } from './support/console-stack';

async function assertAccessible(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], describeViolations(violations));
}

const today = () => new Date().toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe('console Cost page (real control plane and agent, Chromium)', () => {
  let stack: ConsoleStack;
  let page: Page;
  let top: { assetKey: string; amount: string; value: number }[];
  let partitions: string[] = [];
  /** Launches flights/raw_flights for one partition and waits for it to succeed. */
  const runRawFlights = async (partition: string | undefined) => {
    const { launchRun } = await stack.gql<{ launchRun: { id: string } }>('mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }', {
      input: { assetKeys: ['flights/raw_flights'], ...(partition && { partitionKey: partition }) },
    });
    const run = await stack.waitForRun(launchRun.id);
    assert.equal(run.status, 'SUCCESS', run.failureReason ?? '');
  };

  before(async () => {
    stack = await startConsoleStack({ identity: 'dev', suite: 'cost' });
    await stack.waitForAsset('flights/raw_flights');
    const { assets } = await stack.gql<{ assets: { key: string; partitionKeys: string[] | null }[] }>('{ assets { key partitionKeys } }');
    partitions = assets.find((a) => a.key === 'flights/raw_flights')?.partitionKeys ?? [];
    await runRawFlights(partitions[0]);
    // Cost is rolled up when the run finishes; wait until the API reports it.
    for (const deadline = Date.now() + 30_000; ; ) {
      top = (await stack.gql<{ topCostAssets: typeof top }>('query($f: String!, $t: String!) { topCostAssets(deployment: "prod", from: $f, to: $t) { assetKey amount value } }', { f: today(), t: tomorrow() })).topCostAssets;
      if (top.some((a) => a.value > 0) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const editor = await stack.addUser('EDITOR', 'Eddie Editor');
    page = await stack.signIn(editor, `/${stack.orgSlug}/prod/cost`);
  });
  after(async () => {
    await stack?.close();
  });

  test('after a real run, the costliest asset shows a non-zero cost that matches the API, linked to its page', async () => {
    const costly = top.find((a) => a.value > 0);
    assert.ok(costly, `the run reported cost: ${JSON.stringify(top)}`);
    const row = page.getByTestId('top-asset-row').filter({ hasText: costly.assetKey });
    await row.waitFor({ timeout: 30_000 });
    const shown = (await row.locator('td').nth(2).innerText()).trim();
    assert.match(shown, /^\$[0-9.,]+$/, shown);
    assert.ok(Number(shown.replace(/[$,]/g, '')) > 0, `a non-zero figure: ${shown}`);
    const relative = Math.abs(Number(shown.replace(/[$,]/g, '')) - costly.value) / costly.value;
    assert.ok(relative < 0.01, `${shown} is the API's ${costly.amount} (to three significant digits)`);
    assert.equal(await row.getByRole('link').getAttribute('href'), `/${stack.orgSlug}/prod/assets/${costly.assetKey}`);
    assert.match(await page.getByTestId('trend-summary').innerText(), /in total/);
    assert.ok((await page.getByRole('table', { name: 'Cost per group' }).innerText()).includes('flights'));
    await stack.screenshot(page, 'cost-after-run');
    await assertAccessible(page);
  });

  test('an Editor creates a budget, sees spent vs limit, and deletes it after confirming', async () => {
    const form = page.getByRole('form', { name: 'Create a budget' });
    await form.getByLabel('Budget name').fill('Flights monthly');
    await form.getByLabel('Covers').selectOption('GROUP');
    await form.getByRole('combobox', { name: /^Group/ }).selectOption('flights');
    await form.getByLabel('Limit (USD)').fill('25');
    await form.getByLabel('Period').selectOption('MONTH');
    await form.getByLabel('Webhook URL (Slack-compatible)').fill('https://hooks.example.test/services/T000/B000/XXXX');
    await form.getByRole('button', { name: 'Create budget' }).click();
    const row = page.getByTestId('budget-row').filter({ hasText: 'Flights monthly' });
    await row.getByTestId('budget-spent').waitFor({ timeout: 15_000 });
    const text = await row.innerText();
    assert.match(text, /Group flights/);
    assert.match(text, /\$25\.00 per month/);
    assert.match(await row.getByTestId('budget-spent').innerText(), /^\$0\.0*[1-9][0-9]* of \$25\.00 \(<1 %\) since \d{4}-\d{2}-01$/);
    const stored = await stack.prisma.costBudget.findFirstOrThrow({ where: { orgId: stack.orgId, name: 'Flights monthly' } });
    assert.equal(stored.webhookUrl, 'https://hooks.example.test/services/T000/B000/XXXX');
    await stack.screenshot(page, 'budget-created');
    await assertAccessible(page);

    await row.getByRole('button', { name: 'Delete Flights monthly' }).click();
    await row.getByRole('button', { name: 'Delete budget' }).click();
    await page.getByText('No budgets in this deployment').waitFor({ timeout: 15_000 });
    assert.equal(await stack.prisma.costBudget.count({ where: { orgId: stack.orgId, name: 'Flights monthly' } }), 0);
    await stack.screenshot(page, 'budget-deleted');
  });

  test('a budget crossed by a later run raises an alert, delivered to its webhook and listed on the page', async () => {
    // A real HTTP receiver on loopback stands in for Slack.
    const received: unknown[] = [];
    const hook: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const form = page.getByRole('form', { name: 'Create a budget' });
      await form.getByLabel('Budget name').fill('Tiny daily');
      await form.getByLabel('Covers').selectOption('DEPLOYMENT');
      await form.getByLabel('Limit (USD)').fill('0.000001');
      await form.getByLabel('Period').selectOption('DAY');
      await form.getByLabel('Webhook URL (Slack-compatible)').fill(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`);
      await form.getByRole('button', { name: 'Create budget' }).click();
      await page.getByTestId('budget-row').filter({ hasText: 'Tiny daily' }).waitFor({ timeout: 15_000 });

      await runRawFlights(partitions[1] ?? partitions[0]);
      for (const deadline = Date.now() + 30_000; received.length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
      assert.ok(received.length > 0, 'the webhook received the alert');

      await page.getByRole('link', { name: 'Runs', exact: true }).click();
      await page.getByRole('link', { name: 'Cost', exact: true }).click();
      const alerts = page.getByRole('table', { name: 'Budget alerts' });
      await alerts.waitFor({ timeout: 15_000 });
      const row = alerts.getByRole('row').filter({ hasText: 'Tiny daily' }).filter({ hasText: '100 %' });
      await row.first().waitFor({ timeout: 15_000 });
      assert.match(await row.first().innerText(), /\$0\.0*[1-9]\d* \/ \$0\.00000100[\s\S]*Delivered/);
      assert.match(await page.getByTestId('budget-row').filter({ hasText: 'Tiny daily' }).innerText(), /over budget/);
      await stack.screenshot(page, 'budget-alert');
      await assertAccessible(page);
    } finally {
      await new Promise((r) => hook.close(r));
    }
  });

  test('a Viewer sees the figures but no budget form, and the server refuses a budget from the Viewer', async () => {
    const viewer = await stack.addUser('VIEWER', 'Vic Viewer');
    let auth: { authorization: string; organization: string } | undefined;
    const viewerPage = await stack.openConsole(`/${stack.orgSlug}/prod/cost`);
    viewerPage.on('request', (r) => {
      const h = r.headers();
      if (r.url().endsWith('/graphql') && h['authorization'] && h['x-gantry-organization']) auth = { authorization: h['authorization'], organization: h['x-gantry-organization'] };
    });
    await typeDevIssuerIdentity(viewerPage, viewer.name, viewer.email);
    await viewerPage.getByTestId('top-asset-row').first().waitFor({ timeout: 30_000 });
    assert.equal(await viewerPage.getByRole('form', { name: 'Create a budget' }).count(), 0);
    await stack.screenshot(viewerPage, 'viewer-cost');
    await assertAccessible(viewerPage);
    assert.ok(auth);
    const res = await fetch(`${stack.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth.authorization, 'x-gantry-organization': auth.organization },
      body: JSON.stringify({
        query: 'mutation($input: CreateCostBudgetInput!) { createCostBudget(input: $input) { id } }',
        variables: { input: { name: 'sneaky', scope: 'DEPLOYMENT', period: 'DAY', limitUsd: 1, webhookUrl: 'https://hooks.example.test/x' } },
      }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    assert.equal(body.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(body));
  });
});
