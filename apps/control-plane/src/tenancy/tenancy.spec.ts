import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { startApiHarness, type ApiHarness } from '../api/testing/api-test-kit';
import { TestAgent } from '../agents/testing/test-agent';
import { devSignIn } from '../auth/dev-issuer/testing/dev-sign-in';

let h: ApiHarness;

/** A person signed in through the development issuer: their access token. */
async function person(name: string): Promise<{ token: string; email: string }> {
  const email = `${name}-${randomUUID().slice(0, 6)}@example.com`;
  const r = await devSignIn(h.server.oidcIssuer, { name, email });
  const token = String(r.body['access_token']);
  registerTestSecret(token, 'access token');
  return { token, email };
}

/** POST /orgs/<slug>/graphql (or /graphql without a slug). */
async function gql(token: string | undefined, slug: string | undefined, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${h.server.httpUrl}${slug ? `/orgs/${slug}` : ''}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  // Answers are navigated loosely here; every value read is asserted.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body = (await res.json()) as { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: res.status, data: body.data, errors: body.errors, code: body.errors?.[0]?.extensions?.['code'] };
}

describe('tenancy: organizations, invitations, grants, API and agent token lifecycles (real control plane, development issuer)', () => {
  let owner: { token: string; email: string };
  let slug: string;

  before(async () => {
    h = await startApiHarness();
    owner = await person('owner');
    slug = `acme-${randomUUID().slice(0, 6)}`;
    const created = await gql(owner.token, undefined, 'mutation($s: String!) { createOrganization(slug: $s, name: "Acme") { id slug } }', { s: slug });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
  });
  after(async () => {
    await h?.close();
  });

  test('the creator of an organization is its Owner; a taken slug and a bad slug are refused clearly', async () => {
    const me = await gql(owner.token, slug, '{ me { email } organization { slug auditRetentionDays } members { user { email } grants { role deployment } } deployments { name } }');
    assert.equal(me.errors, undefined, JSON.stringify(me.errors));
    assert.equal(me.data!['me'].email, owner.email.toLowerCase());
    assert.equal(me.data!['organization'].auditRetentionDays, 365, 'an Owner sees the settings');
    assert.deepEqual(me.data!['members'][0].grants, [{ role: 'OWNER', deployment: null }]);
    assert.deepEqual(me.data!['deployments'].map((d: { name: string }) => d.name), ['prod']);
    const taken = await gql(owner.token, undefined, 'mutation($s: String!) { createOrganization(slug: $s, name: "x") { id } }', { s: slug });
    assert.equal(taken.code, 'ORGANIZATION_SLUG_TAKEN');
    const bad = await gql(owner.token, undefined, 'mutation { createOrganization(slug: "Not A Slug!", name: "x") { id } }');
    assert.equal(bad.code, 'INVALID_ARGUMENT');
    for (const reserved of ['graphql', 'api', 'realms']) {
      const refused = await gql(owner.token, undefined, 'mutation($s: String!) { createOrganization(slug: $s, name: "x") { id } }', { s: reserved });
      assert.equal(refused.code, 'INVALID_ARGUMENT', `${reserved} would shadow a server path under the console's /<organization>/ URLs`);
    }
    const noOrg = await gql(owner.token, undefined, '{ deployments { name } }');
    assert.equal(noOrg.code, 'ORGANIZATION_REQUIRED', 'a user names the organization');
  });

  test('an invitation is accepted at the first sign-in with that email; the member then holds the invited role', async () => {
    const email = `viewer-${randomUUID().slice(0, 6)}@example.com`;
    const inv = await gql(owner.token, slug, 'mutation($e: String!) { inviteMember(email: $e, role: VIEWER) { id email role } }', { e: email });
    assert.equal(inv.errors, undefined, JSON.stringify(inv.errors));
    const r = await devSignIn(h.server.oidcIssuer, { name: 'Vera', email });
    const token = String(r.body['access_token']);
    registerTestSecret(token, 'access token');
    const seen = await gql(token, slug, '{ deployments { name } }');
    assert.equal(seen.errors, undefined, 'the invited user is a member now');
    const refused = await gql(token, slug, 'mutation { createDeployment(name: "staging") { id } }');
    assert.equal(refused.code, 'FORBIDDEN', 'a Viewer may not add deployments');
    assert.equal(refused.status, 403);
    const invitations = await gql(owner.token, slug, '{ me { id } invitations { email acceptedAt invitedBy } }');
    const ownerId = (invitations.data!['me'] as { id: string }).id;
    assert.ok(
      invitations.data!['invitations'].some((i: { email: string; acceptedAt: string | null; invitedBy: string | null }) => i.email === email && i.acceptedAt && i.invitedBy === `user:${ownerId}`),
      'accepted, and names who invited',
    );
  });

  test('nobody hands out more than they hold, and the last Owner stays', async () => {
    const admin = await person('admin');
    await gql(admin.token, slug, '{ deployments { name } }'); // first sign-in creates the user
    const adminId = (await h.prisma.user.findFirstOrThrow({ where: { email: admin.email.toLowerCase() } })).id;
    await h.prisma.organizationMember.create({ data: { orgId: (await h.prisma.organization.findUniqueOrThrow({ where: { slug } })).id, userId: adminId } });
    const grant = await gql(owner.token, slug, 'mutation($id: ID!) { grantRole(principalKind: USER, principalId: $id, role: ADMIN) { id role } }', { id: adminId });
    assert.equal(grant.errors, undefined, JSON.stringify(grant.errors));
    const escalate = await gql(admin.token, slug, 'mutation($id: ID!) { grantRole(principalKind: USER, principalId: $id, role: OWNER) { id } }', { id: adminId });
    assert.equal(escalate.code, 'ROLE_TOO_HIGH');
    const token = await gql(admin.token, slug, 'mutation { createApiToken(name: "too much", role: OWNER) { token } }');
    assert.equal(token.code, 'ROLE_TOO_HIGH', 'an API token carries at most its creator\'s role');
    const members = await gql(owner.token, slug, '{ members { user { id email } grants { id role } } }');
    const ownerGrant = members.data!['members'].find((m: { user: { email: string } }) => m.user.email === owner.email.toLowerCase()).grants[0].id;
    const last = await gql(owner.token, slug, 'mutation($id: ID!) { revokeRole(grantId: $id) }', { id: ownerGrant });
    assert.equal(last.code, 'LAST_OWNER');
  });

  test('API tokens: the secret is shown once, listed without it, work for scripts, expire, and stop at revocation', async () => {
    const created = await gql(owner.token, slug, 'mutation { createApiToken(name: "ci", role: LAUNCHER, scope: { deployment: "prod" }, expiresInDays: 30) { token apiToken { id prefix role deployment expiresAt } } }');
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const secret = created.data!['createApiToken'].token as string;
    registerTestSecret(secret, 'API token');
    assert.match(secret, /^gantry_api_/);
    assert.equal(created.data!['createApiToken'].apiToken.deployment, 'prod');
    const list = await gql(owner.token, slug, '{ apiTokens { id name prefix lastUsedAt } }');
    assert.ok(!JSON.stringify(list.data).includes(secret), 'the list never shows the secret');
    const used = await gql(secret, undefined, '{ assets(deployment: "prod") { key } }');
    assert.equal(used.errors, undefined, 'the token works without naming the organization: it belongs to one');
    const outside = await gql(secret, undefined, '{ agents { id } }');
    assert.equal(outside.code, 'FORBIDDEN', 'a deployment-scoped token cannot read organization-wide data');
    const revoked = await gql(owner.token, slug, 'mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', { id: created.data!['createApiToken'].apiToken.id });
    assert.ok(revoked.data!['revokeApiToken'].revokedAt);
    const after = await gql(secret, undefined, '{ assets { key } }');
    assert.equal(after.status, 401);
    const badExpiry = await gql(owner.token, slug, 'mutation { createApiToken(name: "x", role: VIEWER, expiresInDays: 0) { token } }');
    assert.equal(badExpiry.code, 'INVALID_ARGUMENT');
  });

  test('agent tokens: rotation keeps the old secret working during the grace period only; revocation refuses it', async () => {
    const created = await gql(owner.token, slug, 'mutation { createAgentToken(name: "cluster-a", deployments: ["prod"]) { token agentToken { id deployments } } }');
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const first = created.data!['createAgentToken'].token as string;
    registerTestSecret(first, 'agent token');
    const id = created.data!['createAgentToken'].agentToken.id as string;
    (await TestAgent.connect(h.server.grpcAddress, first, { name: 'a1' })).close();

    const rotated = await gql(owner.token, slug, 'mutation($id: ID!) { rotateAgentToken(id: $id, graceSeconds: 2) { token agentToken { rotatedAt previousExpiresAt } } }', { id });
    assert.equal(rotated.errors, undefined, JSON.stringify(rotated.errors));
    const second = rotated.data!['rotateAgentToken'].token as string;
    registerTestSecret(second, 'agent token');
    (await TestAgent.connect(h.server.grpcAddress, first, { name: 'a2' })).close(); // old secret, within the grace period
    (await TestAgent.connect(h.server.grpcAddress, second, { name: 'a3' })).close();
    await new Promise((r) => setTimeout(r, 2200));
    await assert.rejects(TestAgent.connect(h.server.grpcAddress, first, { name: 'a4' }), 'after the grace period the old secret is refused');
    (await TestAgent.connect(h.server.grpcAddress, second, { name: 'a5' })).close();

    const revoked = await gql(owner.token, slug, 'mutation($id: ID!) { revokeAgentToken(id: $id) { revokedAt } }', { id });
    assert.ok(revoked.data!['revokeAgentToken'].revokedAt);
    await assert.rejects(TestAgent.connect(h.server.grpcAddress, second, { name: 'a6' }));
    const unknown = await gql(owner.token, slug, 'mutation($id: ID!) { rotateAgentToken(id: $id) { token } }', { id: randomUUID() });
    assert.equal(unknown.code, 'TOKEN_NOT_FOUND');
  });

  test('every change is in the audit log with before and after values, and no secret is', async () => {
    const events = await gql(owner.token, slug, '{ auditEvents(first: 100) { edges { node { action before after } } } auditLogVerify { ok } }');
    assert.equal(events.errors, undefined, JSON.stringify(events.errors));
    const actions = events.data!['auditEvents'].edges.map((e: { node: { action: string } }) => e.node.action);
    for (const a of ['organization.create', 'invitation.create', 'role.grant', 'api_token.create', 'api_token.revoke', 'agent_token.create', 'agent_token.rotate', 'agent_token.revoke']) {
      assert.ok(actions.includes(a), `${a} is audited (got ${actions.join(', ')})`);
    }
    assert.equal(events.data!['auditLogVerify'].ok, true);
    assert.ok(!/gantry_(api|agent)_[A-Za-z0-9]{20}/.test(JSON.stringify(events.data)), 'no token secret in the audit log');
  });
});
