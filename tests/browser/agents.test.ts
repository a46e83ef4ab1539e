/**
 * The Agents page in Debian's Chromium against a real control plane and a
 * real agent (the flights example): the agent is listed healthy; an Admin
 * creates an agent token and sees its secret once with a Helm install
 * command that carries it, rotates it and revokes it; a Viewer sees no token
 * management and the server refuses the Viewer's own requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations, typeDevIssuerIdentity } from '@gantry/browser-testing';
import { hashToken } from '@gantry/domain';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { startConsoleStack, type ConsoleStack } from './support/console-stack';

async function assertAccessible(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], describeViolations(violations));
}

/** The secret in the page's one-time box, registered so no log may contain it. */
async function shownSecret(page: Page): Promise<string> {
  const box = page.getByTestId('agent-token-secret');
  await box.waitFor({ timeout: 15_000 });
  const secret = (await box.innerText()).trim();
  registerTestSecret(secret, 'agent token created in the browser');
  return secret;
}

describe('console Agents page (real control plane and agent, Chromium)', () => {
  let stack: ConsoleStack;
  let page: Page;

  before(async () => {
    stack = await startConsoleStack({ identity: 'dev', suite: 'agents' });
    const admin = await stack.addUser('ADMIN', 'Ada Admin');
    page = await stack.signIn(admin, `/${stack.orgSlug}/prod/agents`);
  });
  after(async () => {
    await stack?.close();
  });

  test("the stack's agent is listed Healthy with its version, launcher and slots", async () => {
    const { agents } = await stack.gql<{ agents: { name: string; version: string; launcher: string; slots: number; health: string }[] }>(
      '{ agents { name version launcher slots health } }',
    );
    const agent = agents.find((a) => a.name === 'browser-test-agent');
    assert.ok(agent, `the API lists the agent: ${JSON.stringify(agents)}`);
    const row = page.getByTestId('agent-row').filter({ hasText: 'browser-test-agent' });
    await row.getByText('Healthy').waitFor({ timeout: 30_000 });
    const text = await row.innerText();
    assert.match(text, new RegExp(agent.version.replace(/\./g, '\\.')), text);
    assert.match(text, new RegExp(`\\b${agent.launcher}\\b`), text);
    assert.match(text, new RegExp(`0 of ${agent.slots} slots`), text);
    assert.match(text, /second|now/, `a recent heartbeat: ${text}`);
    await stack.screenshot(page, 'agents-healthy');
    await assertAccessible(page);
  });

  let firstSecret = '';

  test('an Admin creates an agent token: the secret shows once, with the Helm install command carrying it', async () => {
    await page.getByLabel('Token name').fill('k8s-prod');
    await page.getByRole('checkbox', { name: 'prod' }).check();
    await page.getByRole('button', { name: 'Create agent token' }).click();
    firstSecret = await shownSecret(page);
    assert.match(firstSecret, /^gantry_agent_/);
    assert.match(await page.locator('.new-secret').innerText(), /you will not see it again/i);

    const stored = await stack.prisma.agentToken.findFirstOrThrow({ where: { orgId: stack.orgId, name: 'k8s-prod' } });
    assert.equal(stored.tokenHash, hashToken(firstSecret), 'the secret shown is the token the server stored (by hash)');

    const helm = await page.getByTestId('helm-command').innerText();
    assert.ok(helm.includes(`--from-literal=token=${firstSecret}`), helm);
    assert.ok(helm.includes('helm install gantry-agent deploy/helm/gantry-agent --namespace gantry-agent'), helm);
    assert.ok(helm.includes(`--set controlPlane.grpcAddress=${stack.cp.grpcAddress}`), `this control plane's gRPC address: ${helm}`);
    assert.ok(helm.includes('--set agentToken.existingSecret.name=gantry-agent-token'), helm);
    assert.ok(helm.includes("--set 'agent.deployments={prod}'"), helm);
    assert.match(await page.locator('.new-secret').innerText(), /deploy\/ecs\/agent-service\.yaml/);
    await stack.screenshot(page, 'token-created-secret-once');
    await assertAccessible(page);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    assert.equal(await page.getByTestId('agent-token-secret').count(), 0);
    const row = page.getByTestId('agent-token-row').filter({ hasText: 'k8s-prod' });
    assert.match(await row.innerText(), new RegExp(`${stored.prefix.slice(0, 12)}[\\s\\S]*prod[\\s\\S]*Active`));
    // Away and back inside the app (a reload would sign in again on the development issuer, which keeps no session).
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    await page.getByTestId('agent-token-row').filter({ hasText: 'k8s-prod' }).waitFor({ timeout: 30_000 });
    assert.ok(!(await page.locator('body').innerText()).includes(firstSecret), 'the secret is never shown again');
  });

  test('rotating shows a new secret once and explains the grace period', async () => {
    const row = page.getByTestId('agent-token-row').filter({ hasText: 'k8s-prod' });
    await row.getByRole('button', { name: 'Rotate k8s-prod' }).click();
    await row.getByRole('button', { name: 'Rotate', exact: true }).click();
    const second = await shownSecret(page);
    assert.notEqual(second, firstSecret);
    const panel = await page.locator('.new-secret').innerText();
    assert.match(panel, /previous secret keeps working until .*UTC/i, panel);
    assert.ok((await page.getByTestId('rotate-command').innerText()).includes(`--from-literal=token=${second}`));
    const stored = await stack.prisma.agentToken.findFirstOrThrow({ where: { orgId: stack.orgId, name: 'k8s-prod' } });
    assert.equal(stored.tokenHash, hashToken(second));
    await page.getByTestId('agent-token-row').filter({ hasText: 'k8s-prod' }).getByText(/Rotated: old secret works until/).waitFor({ timeout: 15_000 });
    await stack.screenshot(page, 'token-rotated');
    await assertAccessible(page);
    await page.getByRole('button', { name: 'I have copied it' }).click();
  });

  test('revoking asks first, then the token shows as revoked and loses its actions', async () => {
    const row = page.getByTestId('agent-token-row').filter({ hasText: 'k8s-prod' });
    await row.getByRole('button', { name: 'Revoke k8s-prod' }).click();
    await row.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await stack.prisma.agentToken.findFirstOrThrow({ where: { orgId: stack.orgId, name: 'k8s-prod' } })).revokedAt, null, 'cancel does nothing');
    await row.getByRole('button', { name: 'Revoke k8s-prod' }).click();
    await row.getByRole('button', { name: 'Revoke', exact: true }).click();
    await row.getByText(/Revoked/).waitFor({ timeout: 15_000 });
    assert.equal(await row.getByRole('button').count(), 0, 'a revoked token has no actions');
    assert.ok((await stack.prisma.agentToken.findFirstOrThrow({ where: { orgId: stack.orgId, name: 'k8s-prod' } })).revokedAt);
    await stack.screenshot(page, 'token-revoked');
  });

  test('a Viewer sees the agents but no token management, and the server refuses the Viewer', async () => {
    const viewer = await stack.addUser('VIEWER', 'Vic Viewer');
    // The Viewer's own bearer token, taken from the console's GraphQL requests, to ask the server directly.
    let auth: { authorization: string; organization: string } | undefined;
    const viewerPage = await stack.openConsole(`/${stack.orgSlug}/prod/agents`);
    viewerPage.on('request', (r) => {
      const h = r.headers();
      if (r.url().endsWith('/graphql') && h['authorization'] && h['x-gantry-organization']) auth = { authorization: h['authorization'], organization: h['x-gantry-organization'] };
    });
    await typeDevIssuerIdentity(viewerPage, viewer.name, viewer.email);
    await viewerPage.getByTestId('agent-row').filter({ hasText: 'browser-test-agent' }).waitFor({ timeout: 30_000 });
    assert.equal(await viewerPage.getByRole('heading', { name: 'Agent tokens' }).count(), 0);
    assert.equal(await viewerPage.getByRole('button', { name: 'Create agent token' }).count(), 0);
    await stack.screenshot(viewerPage, 'viewer-no-token-management');
    await assertAccessible(viewerPage);

    assert.ok(auth, 'the console sent authenticated GraphQL requests');
    for (const query of ['{ agentTokens { id } }', 'mutation { createAgentToken(name: "sneaky") { token } }']) {
      const res = await fetch(`${stack.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth.authorization, 'x-gantry-organization': auth.organization },
        body: JSON.stringify({ query }),
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      assert.equal(body.errors?.[0]?.extensions?.code, 'FORBIDDEN', `${query}: ${JSON.stringify(body)}`);
    }
    assert.equal(await stack.prisma.agentToken.count({ where: { orgId: stack.orgId, name: 'sneaky' } }), 0);
  });
});
