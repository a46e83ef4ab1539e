/**
 * Signing in to the console in Debian's Chromium against a real Keycloak (the
 * realm shipped in deploy/keycloak) and a real control plane: the person types
 * their credentials into Keycloak's own login page, lands in their
 * organization, sees only what their role allows, and signs out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, describeViolations, typeKeycloakCredentials } from '@gantry/browser-testing';
import type { TestRealm } from '@gantry/keycloak-testing';
import { startConsoleStack, type ConsoleStack } from './support/console-stack';

describe('console sign-in through Keycloak (real Keycloak, real control plane, Chromium)', () => {
  let stack: ConsoleStack;
  let realm: TestRealm;

  before(async () => {
    // Short-lived access tokens, so the silent refresh test does not wait long (the console refreshes 30 s before expiry).
    stack = await startConsoleStack({ identity: 'keycloak', suite: 'sign-in', codeLocations: [], realmOverrides: { accessTokenLifespan: 40 } });
    realm = stack.realm!;
  });
  after(async () => {
    await stack?.close();
  });

  test("an Admin types credentials into Keycloak's login page, lands on the organization's assets and signs out", async () => {
    const admin = await stack.addUser('ADMIN', 'Ada Admin');
    const browserPage = await stack.signIn(admin);
    await browserPage.waitForSelector('nav.sidenav a');
    await browserPage.waitForURL(`${stack.baseUrl}/${stack.orgSlug}/prod/assets`);
    assert.match(browserPage.url(), new RegExp(`/${stack.orgSlug}/prod/assets$`), 'lands on the first organization, prod deployment');
    const nav = await browserPage.locator('nav.sidenav').innerText();
    for (const item of ['Assets', 'Launch', 'Runs', 'Cost', 'Agents', 'Members', 'API tokens', 'Audit log']) assert.ok(nav.includes(item), `${item} is in an Admin's navigation: ${nav}`);
    assert.equal(await browserPage.locator('.topbar .user').innerText(), admin.email, 'the signed-in email is shown');
    assert.equal(await browserPage.locator('select').first().inputValue(), stack.orgSlug, 'the organization switcher shows the organization');
    await stack.screenshot(browserPage, 'admin-signed-in');
    const violations = await axeViolations(browserPage);
    assert.deepEqual(violations, [], describeViolations(violations));

    const user = await stack.prisma.user.findFirstOrThrow({ where: { email: admin.email } });
    assert.equal(user.subject, admin.subject, "the users row carries the Keycloak user's id as subject");
    const invitation = await stack.prisma.invitation.findFirstOrThrow({ where: { email: admin.email } });
    assert.ok(invitation.acceptedAt, 'the invitation was accepted at the first sign-in');

    await browserPage.getByRole('button', { name: 'Sign out' }).click();
    await browserPage.waitForSelector('#kc-form-login', { timeout: 30_000 });
    assert.match(browserPage.url(), /\/realms\/.*\/protocol\/openid-connect\/auth/, 'after sign-out, opening the console asks for credentials again');
    await stack.screenshot(browserPage, 'signed-out');
  });

  test('a Viewer sees no Launch, invitations, tokens or audit log in the navigation', async () => {
    const viewer = await stack.addUser('VIEWER', 'Vic Viewer');
    const page = await stack.signIn(viewer);
    await page.waitForSelector('nav.sidenav a');
    const nav = await page.locator('nav.sidenav').innerText();
    assert.ok(nav.includes('Assets') && nav.includes('Runs'), nav);
    for (const hidden of ['Launch', 'Invitations', 'API tokens', 'Audit log']) assert.ok(!nav.includes(hidden), `${hidden} is hidden from a Viewer: ${nav}`);
    await stack.screenshot(page, 'viewer-navigation');
  });

  test('the session outlives its access token: keycloak-js refreshes it silently and the API keeps answering', async () => {
    const person = await stack.addUser('VIEWER', 'Rae Refresh');
    const page = await stack.signIn(person, `/${stack.orgSlug}/prod/runs`);
    const signedInAt = Date.now();
    // No reload, no redirect: the 40 s token is refreshed in place (at expiry at the latest) with the refresh token.
    const refresh = await page.waitForRequest((r) => r.url().endsWith('/protocol/openid-connect/token') && new URLSearchParams(r.postData() ?? '').get('grant_type') === 'refresh_token', { timeout: 60_000 });
    assert.ok(refresh, 'a refresh_token grant was sent');
    assert.ok(Date.now() - signedInAt < 45_000, 'before the token expired (40 s)');
    // The assets page asks the API: with the refreshed token, in the same page (no reload, no redirect).
    const sent = page.waitForRequest((r) => r.url().endsWith('/graphql')).then((r) => r.headers()['authorization'] ?? '');
    await page.getByRole('link', { name: 'Assets' }).click();
    const token = (await sent).replace(/^Bearer /, '');
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
    assert.ok(claims.exp * 1000 > signedInAt + 40_000, 'the API gets a token issued after the first one expired');
    assert.equal(page.url().startsWith(stack.baseUrl), true, 'still in the console, never sent back to sign in');
  });

  test("a wrong password stays on Keycloak's page with its error; the console is never shown", async () => {
    const person = await stack.addUser('VIEWER');
    const page = await stack.openConsole(`/${stack.orgSlug}/prod/runs`);
    await typeKeycloakCredentials(page, person.username!, 'not-the-password');
    await page.waitForSelector('#input-error, .kc-feedback-text, [id*=error]', { timeout: 30_000 });
    assert.match(await page.locator('body').innerText(), /invalid username or password/i, "Keycloak's own error is shown");
    assert.match(page.url(), /\/realms\//, 'still on Keycloak');
    assert.equal(await page.locator('nav.sidenav').count(), 0, 'no console rendered');
    await stack.screenshot(page, 'wrong-password');
  });

  test('a person without membership signs in and is offered to create an organization, not shown another tenant', async () => {
    const stranger = await realm.createUser();
    const page = await stack.openConsole('/');
    await typeKeycloakCredentials(page, stranger.username, stranger.password);
    await page.getByText('You are not a member of any organization yet').waitFor({ timeout: 30_000 });
    await stack.screenshot(page, 'no-organization');
    await page.goto(`${stack.baseUrl}/${stack.orgSlug}/prod/assets`);
    await page.getByRole('alert').waitFor({ timeout: 30_000 });
    assert.match(await page.getByRole('alert').innerText(), /FORBIDDEN|not a member/i, 'the server refuses another organization, and the console says so');
    await stack.screenshot(page, 'stranger-refused');
  });
});
