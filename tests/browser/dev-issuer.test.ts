/**
 * The console on embedded defaults: no Keycloak, the control plane's
 * development issuer signs people in (name + email). Also the organization
 * and deployment switchers, and sign-out. Real control plane, Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, describeViolations } from '@gantry/browser-testing';
import { startConsoleStack, type ConsoleStack } from './support/console-stack';

describe('console on embedded defaults (development issuer, Chromium)', () => {
  let stack: ConsoleStack;

  before(async () => {
    stack = await startConsoleStack({ identity: 'dev', suite: 'dev-issuer', codeLocations: [] });
  });
  after(async () => {
    await stack?.close();
  });

  test('signs in through the development issuer, switches organization and deployment, signs out', async () => {
    const owner = await stack.addUser('OWNER', 'Dev Owner');
    // A second organization with two deployments, where the same person is a Viewer.
    const other = await stack.prisma.organization.create({ data: { slug: `beta-${Date.now().toString(36)}`, name: 'Beta Labs' } });
    await stack.prisma.deployment.createMany({ data: [{ orgId: other.id, name: 'prod' }, { orgId: other.id, name: 'staging' }] });
    await stack.prisma.invitation.create({ data: { orgId: other.id, email: owner.email, role: 'VIEWER', invitedBy: 'test', expiresAt: new Date(Date.now() + 3600_000) } });

    const page = await stack.openConsole('/');
    await page.waitForSelector('#dev-sign-in');
    assert.match(await page.title(), /Sign in to Gantry \(development\)/, 'the development issuer asks who you are');
    await stack.screenshot(page, 'dev-sign-in-page');
    await page.locator('#name').fill(owner.name);
    await page.locator('#email').fill(owner.email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('nav.sidenav a');
    assert.equal(await page.locator('.topbar .user').innerText(), owner.email);

    const orgSelect = page.getByLabel('Organization');
    assert.deepEqual((await orgSelect.locator('option').allInnerTexts()).sort(), ['Acme Analytics', 'Beta Labs']);
    await orgSelect.selectOption(other.slug);
    await page.waitForURL(new RegExp(`/${other.slug}/prod/assets$`));
    await page.getByLabel('Deployment').selectOption('staging');
    await page.waitForURL(new RegExp(`/${other.slug}/staging/assets$`));
    const nav = await page.locator('nav.sidenav').innerText();
    assert.ok(!nav.includes('Launch'), `a Viewer in Beta Labs has no Launch: ${nav}`);
    await stack.screenshot(page, 'switched-organization');
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForSelector('#dev-sign-in');
    assert.deepEqual(stack.browserProblems().filter((p) => !/status of 40[13]/.test(p)), [], 'no page errors');
  });

  test('an unknown organization in the URL shows the server refusal, not an empty console', async () => {
    const person = await stack.addUser('VIEWER');
    const page = await stack.signIn(person, '/no-such-org/prod/assets');
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /not a member of organization "no-such-org"/);
  });
});
