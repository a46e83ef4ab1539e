/**
 * Members, teams, invitations, API tokens and the audit log in the console,
 * in Debian's Chromium against a real control plane and a real Keycloak: an
 * Admin invites and revokes, creates a team, grants and revokes roles, creates
 * an API token that really works against the API and stops working once
 * revoked; the audit log shows, filters, verifies and exports those events; a
 * Viewer sees none of the management controls. Every page is checked with axe.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from '@gantry/browser-testing';
import type { TestRealm } from '@gantry/keycloak-testing';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { startConsoleStack, type ConsoleStack, type ConsoleUser } from './support/console-stack';

/** Asserts axe finds no violation on the page as it is now. */
async function assertAxeClean(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: ${describeViolations(violations)}`);
}

/** Waits until `predicate` holds, polling; fails with `message` after `timeoutMs`. */
async function eventually(predicate: () => Promise<boolean>, message: string, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await predicate()); ) {
    if (Date.now() > deadline) assert.fail(message);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('console members, teams, invitations, API tokens and audit log (real Keycloak, real control plane, Chromium)', () => {
  let stack: ConsoleStack;
  let realm: TestRealm | undefined;
  let admin: ConsoleUser;
  let viewer: ConsoleUser;
  let page: Page;
  const teamName = 'Data Engineering';
  const tokenName = 'ci-nightly';

  /** Opens a page of the console through the side navigation (as a person would). */
  const open = async (label: string, heading: string) => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  before(async () => {
    stack = await startConsoleStack({ identity: 'keycloak', suite: 'members', codeLocations: [] });
    realm = stack.realm;
    admin = await stack.addUser('ADMIN', 'Ada Admin');
    viewer = await stack.addUser('VIEWER', 'Vic Viewer');
    // The Viewer's invitation is accepted at their first sign-in: then they are a member the Admin can manage.
    const first = await stack.signIn(viewer);
    await first.close();
    page = await stack.signIn(admin, `/${stack.orgSlug}/prod/members`);
  });
  after(async () => {
    await stack?.close();
  });

  test('members: both people are listed with their roles; the Admin is never offered Owner', async () => {
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    const viewerRow = page.locator(`tr[data-member="${viewer.email}"]`);
    await viewerRow.waitFor();
    assert.match(await viewerRow.innerText(), /Viewer\s+Organization/);
    const adminRow = await page.locator(`tr[data-member="${admin.email}"]`).innerText();
    assert.match(adminRow, /Admin\s+Organization/, adminRow);
    assert.match(adminRow, /\(you\)/, adminRow);
    const roles = await page.getByLabel('Role', { exact: true }).locator('option').allInnerTexts();
    assert.deepEqual(roles, ['Viewer', 'Launcher', 'Editor', 'Admin'], 'roles up to the caller’s own, no Owner');
    assert.ok(realm, 'signed in through Keycloak');
    await assertAxeClean(page, 'members page');
    await stack.screenshot(page, 'members');
  });

  test('invitations: the Admin invites an email as Editor of prod, then revokes it', async () => {
    await open('Invitations', 'Invitations');
    const email = `new-hire-${Date.now().toString(36)}@example.test`;
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Role', { exact: true }).selectOption('EDITOR');
    await page.getByLabel('Scope', { exact: true }).selectOption('prod');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const row = page.locator(`tr[data-invitation="${email}"]`);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /Editor\s+prod/, text);
    assert.ok(text.includes(admin.email), `invited by the Admin: ${text}`);
    assert.match(text, /Open\s+expires/, text);
    await assertAxeClean(page, 'invitations page');
    await stack.screenshot(page, 'invitation-sent');

    await row.getByRole('button', { name: `Revoke the invitation of ${email}` }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await eventually(async () => /Revoked/.test(await row.innerText()), 'the invitation shows as revoked');
    assert.equal(await row.getByRole('button').count(), 0, 'a revoked invitation has no actions');
    const stored = await stack.prisma.invitation.findFirstOrThrow({ where: { email } });
    assert.ok(stored.revokedAt, 'revoked in the database too');
    await stack.screenshot(page, 'invitation-revoked');
  });

  test('teams: the Admin creates a team, adds the Viewer and grants the team Launcher on prod; a duplicate name is refused with an alert', async () => {
    await open('Teams', 'Teams');
    await page.getByText('No teams yet').waitFor();
    await page.getByLabel('Team name', { exact: true }).fill(teamName);
    await page.getByRole('button', { name: 'Create team' }).click();
    const card = page.locator(`article[data-team="${teamName}"]`);
    await card.waitFor();
    await card.getByLabel('Add member', { exact: true }).selectOption({ label: viewer.email });
    await card.getByRole('button', { name: 'Add to team' }).click();
    await card.getByRole('cell', { name: viewer.email, exact: true }).waitFor();
    await card.getByLabel('Role', { exact: true }).selectOption('LAUNCHER');
    await card.getByLabel('Scope', { exact: true }).selectOption('prod');
    await card.getByRole('button', { name: 'Grant role' }).click();
    await eventually(async () => /Launcher\s+prod/.test(await card.locator('.grant-list').innerText().catch(() => '')), 'the team holds Launcher on prod');
    const { teams } = await stack.gql<{ teams: { name: string; members: { email: string }[]; grants: { role: string; deployment: string | null }[] }[] }>('{ teams { name members { email } grants { role deployment } } }');
    assert.deepEqual(teams, [{ name: teamName, members: [{ email: viewer.email }], grants: [{ role: 'LAUNCHER', deployment: 'prod' }] }]);
    await assertAxeClean(page, 'teams page');
    await stack.screenshot(page, 'team-created');

    await page.getByLabel('Team name', { exact: true }).fill(teamName);
    await page.getByRole('button', { name: 'Create team' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Could not create the team[\s\S]*already exists[\s\S]*TEAM_EXISTS/);
    await stack.screenshot(page, 'team-exists-refused');
  });

  test('members: the Admin grants the Viewer Editor on prod and revokes it again', async () => {
    await open('Members', 'Members');
    const row = page.locator(`tr[data-member="${viewer.email}"]`);
    await row.waitFor();
    await eventually(async () => (await row.innerText()).includes(teamName), 'the Viewer’s team is listed (once the fresh list arrived)');
    await page.getByLabel('Member', { exact: true }).selectOption({ label: viewer.email });
    await page.getByLabel('Role', { exact: true }).selectOption('EDITOR');
    await page.getByLabel('Scope', { exact: true }).selectOption('prod');
    await page.getByRole('button', { name: 'Grant role' }).click();
    await page.getByRole('status').filter({ hasText: `Granted Editor at prod to ${viewer.email}` }).waitFor();
    await eventually(async () => /Editor\s+prod/.test(await row.innerText()), 'the Viewer holds Editor on prod');
    await stack.screenshot(page, 'role-granted');

    await row.getByRole('button', { name: `Revoke Editor at prod from ${viewer.email}` }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await eventually(async () => !/Editor\s+prod/.test(await row.innerText()), 'the Editor grant is gone');
    assert.match(await row.innerText(), /Viewer\s+Organization/, 'the organization grant stays');
    const grants = await stack.prisma.roleGrant.findMany({ where: { principalKind: 'USER', role: 'EDITOR' } });
    assert.equal(grants.length, 0, 'revoked in the database');
    await stack.screenshot(page, 'role-revoked');
  });

  test('API tokens: the secret is shown once and works against the API; once revoked the API refuses it and the list says so', async () => {
    await open('API tokens', 'API tokens');
    await page.getByLabel('Name', { exact: true }).fill(tokenName);
    await page.getByLabel('Role', { exact: true }).selectOption('VIEWER');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secretBox = page.locator('.secret');
    await secretBox.waitFor();
    const secret = (await secretBox.innerText()).trim();
    registerTestSecret(secret, 'API token created in the console');
    assert.match(secret, /^gantry_api_/);
    const curl = await page.locator('.curl-example').innerText();
    assert.ok(curl.includes(`authorization: Bearer ${secret}`) && curl.includes(`x-gantry-organization: ${stack.orgSlug}`) && curl.includes(`${stack.baseUrl}/graphql`), curl);
    await page.getByRole('button', { name: 'Copy token' }).waitFor();
    const row = page.locator(`tr[data-token="${tokenName}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${secret.slice(0, 12)}[\\s\\S]*Viewer\\s+Organization\\s+${admin.email.replace(/[.+]/g, '\\$&')}[\\s\\S]*Active`));
    await assertAxeClean(page, 'API tokens page with a new secret');
    await stack.screenshot(page, 'token-created');

    const call = () =>
      fetch(`${stack.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, 'x-gantry-organization': stack.orgSlug },
        body: JSON.stringify({ query: '{ deployments { name } myRole }' }),
      });
    const ok = await call();
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { data: { deployments: [{ name: 'prod' }], myRole: 'VIEWER' } }, 'the token works with the role chosen');

    // The API records the first use in the background; wait for it before looking at the list again.
    await eventually(async () => (await stack.prisma.apiToken.findFirstOrThrow({ where: { name: tokenName } })).lastUsedAt !== null, 'last use recorded');
    // Shown once: after leaving the page and coming back it is nowhere.
    await open('Members', 'Members');
    await open('API tokens', 'API tokens');
    await row.waitFor();
    assert.equal(await page.locator('.secret').count(), 0);
    assert.ok(!(await page.content()).includes(secret), 'the secret is not on the page any more');
    // The list shows its cached rows at once and the fresh ones when they arrive.
    await eventually(async () => /\d{4}/.test(await row.locator('td').nth(7).innerText()), 'last used shows a date');

    await row.getByRole('button', { name: `Revoke token ${tokenName}` }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await eventually(async () => /Revoked/.test(await row.innerText()), 'the list shows the token revoked');
    assert.equal(await row.getByRole('button').count(), 0, 'a revoked token has no actions');
    const refused = await call();
    assert.equal(refused.status, 401, 'the API refuses a revoked token');
    await stack.screenshot(page, 'token-revoked');
  });

  test('audit log: the events are there, filtering narrows them (in the URL), the chain verifies, rows expand and the NDJSON export downloads them', async () => {
    await open('Audit log', 'Audit log');
    const actions = async () => page.locator('table[aria-label="Audit events"] tbody tr[data-action]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action') ?? ''));
    await page.locator('tr[data-action]').first().waitFor();
    const all = await actions();
    for (const a of ['invitation.create', 'invitation.revoke', 'team.create', 'team.add_member', 'role.grant', 'role.revoke', 'api_token.create', 'api_token.revoke']) {
      assert.ok(all.includes(a), `${a} is in the audit log: ${all.join(', ')}`);
    }
    assert.ok(all.indexOf('api_token.revoke') < all.indexOf('api_token.create'), 'newest first');
    await assertAxeClean(page, 'audit page');
    await stack.screenshot(page, 'audit-log');

    await page.getByLabel('Action', { exact: true }).fill('api_token.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/[?&]action=api_token\.\*/);
    await eventually(async () => {
      const shown = await actions();
      return shown.length > 0 && shown.every((a) => a.startsWith('api_token.'));
    }, 'only api_token events are shown');
    assert.deepEqual(await actions(), ['api_token.revoke', 'api_token.create']);

    await page.getByRole('button', { name: 'Verify chain' }).click();
    const verified = page.getByRole('status').filter({ hasText: 'Chain intact' });
    await verified.waitFor();
    assert.match(await verified.innerText(), /Chain intact: \d+ events checked/);

    const createdRow = page.locator('tr[data-action="api_token.create"]');
    await createdRow.getByRole('button', { name: /^Show details/ }).click();
    const details = page.locator('tr.audit-details');
    await details.waitFor();
    assert.ok((await details.innerText()).includes(`"name": "${tokenName}"`), 'the after JSON names the token');
    await assertAxeClean(page, 'audit page filtered with details open');
    await stack.screenshot(page, 'audit-filtered');

    // The filter survives a reload from the URL (it is the page's state).
    await page.reload();
    await page.locator('tr[data-action]').first().waitFor({ timeout: 30_000 });
    assert.equal(await page.getByLabel('Action', { exact: true }).inputValue(), 'api_token.*');
    assert.deepEqual(await actions(), ['api_token.revoke', 'api_token.create']);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export NDJSON' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), `${stack.orgSlug}-audit-events.ndjson`);
    const lines = readFileSync(await file.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: { label: string | null } });
    assert.deepEqual(lines.map((l) => l.action), ['api_token.revoke', 'api_token.create'], 'the export carries the filtered events, newest first');
    assert.equal(lines[1]!.actor.label, admin.email);
    // Refusals (TEAM_EXISTS, the Viewer's pages) are HTTP errors the browser logs; anything else is a problem.
    assert.deepEqual(stack.browserProblems().filter((p) => !p.includes('Failed to load resource')), [], 'no page or console errors');
  });

  test('a Viewer sees the members and teams but no management controls, and the admin pages say they are for Admins', async () => {
    const vpage = await stack.signIn(viewer, `/${stack.orgSlug}/prod/members`);
    await vpage.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    await vpage.locator(`tr[data-member="${admin.email}"]`).waitFor();
    const nav = await vpage.getByRole('navigation', { name: 'Console' }).innerText();
    for (const hidden of ['Invitations', 'API tokens', 'Audit log']) assert.ok(!nav.includes(hidden), `${hidden} is not in a Viewer's navigation: ${nav}`);
    assert.equal(await vpage.getByRole('button', { name: /Revoke|Remove|Grant role/ }).count(), 0, 'no management buttons on members');
    assert.equal(await vpage.getByRole('heading', { name: 'Grant a role' }).count(), 0);
    await assertAxeClean(vpage, 'members page as a Viewer');
    await stack.screenshot(vpage, 'viewer-members');

    await vpage.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Teams', exact: true }).click();
    await vpage.locator(`article[data-team="${teamName}"]`).waitFor();
    assert.equal(await vpage.getByRole('button').filter({ hasText: /Create team|Add to team|Grant role|Remove|Revoke/ }).count(), 0, 'no management buttons on teams');
    await assertAxeClean(vpage, 'teams page as a Viewer');
    await stack.screenshot(vpage, 'viewer-teams');

    for (const [path, title] of [['tokens', 'Only organization Admins manage API tokens'], ['audit', 'Only organization Admins see the audit log'], ['invitations', 'Only organization Admins see invitations']] as const) {
      await vpage.goto(stack.url(path));
      await vpage.getByText(title).waitFor({ timeout: 30_000 });
      await assertAxeClean(vpage, `${path} page as a Viewer`);
    }
    await stack.screenshot(vpage, 'viewer-audit-refused');
  });

  test('members: the Admin removes a member after confirming; the member is gone with their grants', async () => {
    const leaver = await stack.addUser('LAUNCHER', 'Lee Leaver');
    const theirs = await stack.signIn(leaver);
    await theirs.close();
    await open('Teams', 'Teams');
    await open('Members', 'Members');
    const row = page.locator(`tr[data-member="${leaver.email}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: `Remove ${leaver.email}` }).click();
    assert.match(await row.getByRole('group').getAttribute('aria-label') ?? '', /Remove .* and all their roles/);
    await stack.screenshot(page, 'member-remove-confirm');
    await row.getByRole('button', { name: 'Yes, remove' }).click();
    await row.waitFor({ state: 'detached' });
    const user = await stack.prisma.user.findFirstOrThrow({ where: { email: leaver.email } });
    assert.equal(await stack.prisma.organizationMember.count({ where: { userId: user.id } }), 0);
    assert.equal(await stack.prisma.roleGrant.count({ where: { principalId: user.id } }), 0);
  });

  test('audit log: "Load more" continues after the first 50 events without gaps or repeats; the CSV export downloads', async () => {
    // 55 more audited changes through the public API, so the log has more than one page.
    for (let i = 0; i < 55; i += 1) await stack.gql('mutation($n: String!) { createTeam(name: $n) { id } }', { n: `bulk-${i}` });
    await open('Audit log', 'Audit log');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((u) => u.search === '');
    const seqs = async () => page.locator('tr[data-action] td:first-child').allInnerTexts().then((t) => t.map(Number));
    await eventually(async () => (await seqs()).length === 50, 'the first page holds 50 events');
    const total = await stack.prisma.auditEvent.count({ where: { orgId: stack.orgId } });
    await page.getByRole('button', { name: 'Load more' }).click();
    await eventually(async () => (await seqs()).length === Math.min(total, 100), `${Math.min(total, 100)} events after one "Load more"`);
    const shown = await seqs();
    assert.deepEqual(shown, [...shown].sort((a, b) => b - a), 'newest first');
    assert.equal(new Set(shown).size, shown.length, 'no event twice');
    assert.equal(shown[0]! - shown.at(-1)!, shown.length - 1, 'no gap between the pages');
    await assertAxeClean(page, 'audit page after Load more');
    await stack.screenshot(page, 'audit-load-more');

    const exported = await stack.prisma.auditEvent.count({ where: { orgId: stack.orgId } });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), `${stack.orgSlug}-audit-events.csv`);
    const csv = readFileSync(await file.path(), 'utf8').trim().split('\n');
    assert.match(csv[0]!, /seq/, 'a header row');
    assert.equal(csv.length - 1, exported, 'every event, one row each');
  });

  test('audit log: after an event is altered in the database, "Verify chain" names the first broken link', async () => {
    // Tampering as the database owner would (the service's own role may only append).
    const altered = await stack.prisma.auditEvent.updateMany({ where: { orgId: stack.orgId, seq: 3 }, data: { action: 'tampered.action' } });
    assert.equal(altered.count, 1);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const broken = page.getByRole('alert').filter({ hasText: 'Chain broken' });
    await broken.waitFor();
    assert.match(await broken.innerText(), /Chain broken at event #3: .+ \(3 events checked\)/);
    await assertAxeClean(page, 'audit page with a broken chain');
    await stack.screenshot(page, 'audit-chain-broken');
  });
});
