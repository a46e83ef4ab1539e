/**
 * Users of a real Keycloak realm calling the real control plane over HTTP
 * GraphQL (GANTRY_OIDC_ISSUER = the test realm): sign-in creates the user,
 * membership and grants open an organization named by `X-Gantry-Organization`
 * (or `/orgs/<slug>/graphql`), and every kind of bad access token is a plain
 * 401. Keycloak is started once per `npm test` run because this file imports
 * @gantry/keycloak-testing; the file imports its own realms.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importTestRealm, type TestRealm, type TestUser } from '@gantry/keycloak-testing';
import { createTenant, startApiHarness, type ApiHarness, type Tenant } from '../api/testing/api-test-kit';

const DEPLOYMENTS = '{ deployments { id name } }';
const UNAUTHENTICATED_MESSAGE = 'unauthenticated: send Authorization: Bearer <API token or access token>';

interface Answer {
  status: number;
  headers: Headers;
  data: Record<string, unknown> | null | undefined;
  errors: { message: string; extensions?: Record<string, unknown> }[] | undefined;
}

/** The `sub` claim of a JWT access token (read, not verified: the server verifies). */
function subjectOf(jwt: string): string {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; exp: number };
  return payload.sub;
}

/** The `exp` claim of a JWT, in ms since the epoch. */
function expiresAtMs(jwt: string): number {
  return (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number }).exp * 1000;
}

/** An audience mapper adding `gantry-api` to access tokens, as the shipped realm's clients have. */
const GANTRY_API_AUDIENCE = {
  name: 'audience gantry-api',
  protocol: 'openid-connect',
  protocolMapper: 'oidc-audience-mapper',
  config: { 'included.custom.audience': 'gantry-api', 'access.token.claim': 'true', 'id.token.claim': 'false' },
};

describe('OIDC users through the GraphQL API (real Keycloak)', () => {
  let realm: TestRealm;
  let otherRealm: TestRealm;
  let h: ApiHarness;
  let a: Tenant;
  let b: Tenant;
  let ada: TestUser;
  /** A token with a 1 s lifespan, taken first so the wait for its expiry overlaps the other tests. */
  let shortLived: { token: string; acceptedWhenFresh: Answer };

  before(async () => {
    [realm, otherRealm] = await Promise.all([importTestRealm(), importTestRealm()]);
    await realm.createClient({
      clientId: 'short-lived',
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: false,
      attributes: { 'access.token.lifespan': '1' },
      protocolMappers: [GANTRY_API_AUDIENCE],
    });
    await realm.createClient({ clientId: 'other-service', publicClient: false, serviceAccountsEnabled: true, standardFlowEnabled: false, directAccessGrantsEnabled: false });
    h = await startApiHarness({ env: { GANTRY_OIDC_ISSUER: realm.issuer } });
    a = await createTenant(h.prisma);
    b = await createTenant(h.prisma);
    const token = (await realm.clientCredentials('short-lived')).accessToken;
    shortLived = { token, acceptedWhenFresh: await call(token, DEPLOYMENTS, { organization: a.slug }) };
    ada = await realm.createUser({ firstName: 'Ada', lastName: 'Lovelace' });
  });
  after(async () => {
    await h?.close();
    await Promise.all([realm?.delete(), otherRealm?.delete()]);
  });

  /** POST a GraphQL query with a bearer token, naming the organization by header or by path. */
  async function call(token: string | undefined, query: string, options: { organization?: string; path?: string } = {}): Promise<Answer> {
    const res = await fetch(`${h.server.httpUrl}${options.path ?? '/graphql'}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
        ...(options.organization !== undefined && { 'x-gantry-organization': options.organization }),
      },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: Record<string, unknown> | null; errors?: Answer['errors'] };
    return { status: res.status, headers: res.headers, data: body.data, errors: body.errors };
  }

  function assertCode(answer: Answer, code: string, what: string): void {
    assert.deepEqual(answer.errors?.map((e) => e.extensions?.['code']), [code], `${what}: ${JSON.stringify(answer.errors)}`);
    assert.equal(answer.data, null, `${what}: no data`);
  }

  function assertUnauthenticated(answer: Answer, what: string): void {
    assert.equal(answer.status, 401, what);
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer', what);
    assertCode(answer, 'UNAUTHENTICATED', what);
    assert.equal(answer.errors?.[0]?.message, UNAUTHENTICATED_MESSAGE, `${what}: the message says nothing about why`);
  }

  /** Makes users.id `userId` a member of `tenant` with `role` at organization scope, seeded as the owner (for principals without an email to invite). */
  async function makeMember(userId: string, tenant: Tenant, role: 'VIEWER' | 'ADMIN' = 'VIEWER'): Promise<void> {
    await h.prisma.organizationMember.create({ data: { orgId: tenant.orgId, userId } });
    await h.prisma.roleGrant.create({ data: { orgId: tenant.orgId, principalKind: 'USER', principalId: userId, role } });
  }

  async function userRow(subject: string) {
    return h.prisma.user.findUnique({ where: { issuer_subject: { issuer: realm.issuer, subject } } });
  }

  test("a user invited with inviteMember signs in: the users row is created with sub, email and name, and the organization's data comes back", async () => {
    const invited = await h.gql<{ inviteMember: { id: string; email: string; role: string; acceptedAt: string | null } }>(
      a.token,
      'mutation($email: String!) { inviteMember(email: $email, role: VIEWER) { id email role acceptedAt } }',
      { email: ada.email },
    );
    assert.equal(invited.status, 200, JSON.stringify(invited.errors));
    assert.deepEqual([invited.data?.inviteMember.email, invited.data?.inviteMember.role, invited.data?.inviteMember.acceptedAt], [ada.email.toLowerCase(), 'VIEWER', null]);
    assert.equal(await userRow(ada.id), null, 'no users row before the first sign-in');

    const tokens = await realm.signIn(ada.username, ada.password);
    assert.equal(subjectOf(tokens.accessToken), ada.id, "Keycloak's sub is the user's id");
    const byHeader = await call(tokens.accessToken, DEPLOYMENTS, { organization: a.slug });
    assert.equal(byHeader.status, 200, JSON.stringify(byHeader.errors));
    assert.deepEqual(byHeader.data, { deployments: [{ id: a.prodId, name: 'prod' }] }, "A's deployments, nothing of B");

    const row = await userRow(ada.id);
    assert.ok(row, 'the users row exists after the first request');
    assert.equal(row.subject, ada.id);
    assert.equal(row.issuer, realm.issuer);
    assert.equal(row.email, ada.email.toLowerCase());
    assert.equal(row.name, 'Ada Lovelace');
    assert.ok(row.lastSignInAt, 'last sign-in recorded');
    const me = await call(tokens.accessToken, '{ me { id email name } }');
    assert.deepEqual(me.data, { me: { id: row.id, email: row.email, name: 'Ada Lovelace' } }, 'me answers without an organization');
    const invitation = await h.prisma.invitation.findUniqueOrThrow({ where: { id: invited.data!.inviteMember.id } });
    assert.equal(invitation.acceptedBy, row.id, 'the invitation was accepted at sign-in');

    const byPath = await call(tokens.accessToken, DEPLOYMENTS, { path: `/orgs/${a.slug}/graphql` });
    assert.deepEqual(byPath.data, byHeader.data, 'the path names the organization too');
    const upperCase = await call(tokens.accessToken, DEPLOYMENTS, { organization: a.slug.toUpperCase() });
    assert.deepEqual(upperCase.data, byHeader.data, 'slugs are case-insensitive');
  });

  test('the same user without naming an organization gets ORGANIZATION_REQUIRED', async () => {
    const { accessToken } = await realm.signIn(ada.username, ada.password);
    const answer = await call(accessToken, DEPLOYMENTS);
    assertCode(answer, 'ORGANIZATION_REQUIRED', 'no header');
    assert.match(answer.errors![0]!.message, /X-Gantry-Organization/);
    assertCode(await call(accessToken, DEPLOYMENTS, { organization: '   ' }), 'ORGANIZATION_REQUIRED', 'a blank header');
  });

  test("another organization's slug and a non-existent slug get the same FORBIDDEN answer", async () => {
    const { accessToken } = await realm.signIn(ada.username, ada.password);
    const other = await call(accessToken, DEPLOYMENTS, { organization: b.slug });
    const missing = await call(accessToken, DEPLOYMENTS, { organization: 'org-does-not-exist' });
    for (const [what, answer] of [['B', other], ['missing', missing]] as const) {
      assert.equal(answer.status, 403, what);
      assertCode(answer, 'FORBIDDEN', what);
    }
    assert.equal(
      other.errors![0]!.message.replace(b.slug, '<slug>'),
      missing.errors![0]!.message.replace('org-does-not-exist', '<slug>'),
      'nothing tells an existing organization from a missing one',
    );
    assert.deepEqual(other.errors![0]!.extensions, missing.errors![0]!.extensions);
  });

  test('a signed-in stranger is FORBIDDEN; a member is allowed what their role covers and FORBIDDEN the rest', async () => {
    const user = await realm.createUser();
    const { accessToken } = await realm.signIn(user.username, user.password);
    const stranger = await call(accessToken, DEPLOYMENTS, { organization: b.slug }); // signs in: creates the row
    assert.equal(stranger.status, 403, 'signed in, but not a member');
    assertCode(stranger, 'FORBIDDEN', 'not a member yet');
    const row = (await userRow(user.id)) ?? assert.fail('created on sign-in');
    await makeMember(row.id, b, 'VIEWER');
    assert.equal((await call(accessToken, DEPLOYMENTS, { organization: b.slug })).status, 200, 'a Viewer reads deployments');
    const agents = await call(accessToken, '{ agents { id } }', { organization: b.slug });
    assert.equal(agents.status, 200, 'a Viewer lists agents');
    const audit = await call(accessToken, '{ auditLogVerify { ok } }', { organization: b.slug });
    assert.equal(audit.status, 403, JSON.stringify(audit.errors));
    assertCode(audit, 'FORBIDDEN', 'auditLogVerify needs Admin');
  });

  test('a token for another audience is 401 UNAUTHENTICATED, without detail', async () => {
    const { accessToken } = await realm.clientCredentials('other-service');
    assertUnauthenticated(await call(accessToken, DEPLOYMENTS, { organization: a.slug }), 'other audience');
    assert.equal(await userRow(subjectOf(accessToken)), null, 'no users row for a refused token');
  });

  test('a token from another issuer is 401 UNAUTHENTICATED, without detail', async () => {
    const stranger = await otherRealm.createUser({ email: ada.email.replace('@', '+other@') });
    const { accessToken } = await otherRealm.signIn(stranger.username, stranger.password);
    assertUnauthenticated(await call(accessToken, DEPLOYMENTS, { organization: a.slug }), 'other issuer');
    assert.equal(await h.prisma.user.count({ where: { subject: stranger.id } }), 0, 'no users row for a refused token');
  });

  test('a tampered token is 401 UNAUTHENTICATED, without detail', async () => {
    const { accessToken } = await realm.signIn(ada.username, ada.password);
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
    assertUnauthenticated(await call(`${header}.${forged}.${signature}`, DEPLOYMENTS, { organization: a.slug }), 'payload changed');
    const sig = `${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    assertUnauthenticated(await call(`${header}.${payload}.${sig}`, DEPLOYMENTS, { organization: a.slug }), 'signature changed');
    assert.equal((await call(accessToken, DEPLOYMENTS, { organization: a.slug })).status, 200, 'the untouched token still works');
  });

  test('a service-account token (client credentials) works once it has a grant', async () => {
    const { accessToken } = await realm.clientCredentials();
    const ungranted = await call(accessToken, DEPLOYMENTS, { organization: b.slug });
    assertCode(ungranted, 'FORBIDDEN', 'authenticated, but no membership yet');
    const row = (await userRow(subjectOf(accessToken))) ?? assert.fail('the service account signed in');
    assert.equal(row.email, null, 'a service account has no email');
    assert.equal(row.name, 'service-account-gantry-automation', 'named after its username');
    await makeMember(row.id, b);
    const afterGrant = await call(accessToken, DEPLOYMENTS, { organization: b.slug });
    assert.equal(afterGrant.status, 200, JSON.stringify(afterGrant.errors));
    assert.deepEqual(afterGrant.data, { deployments: [{ id: b.prodId, name: 'prod' }] });
    assertCode(await call(accessToken, DEPLOYMENTS, { organization: a.slug }), 'FORBIDDEN', 'still nothing in A');
  });

  test('an expired token is 401 UNAUTHENTICATED, without detail (after its 1 s lifespan and the 30 s clock tolerance)', async () => {
    assertCode(shortLived.acceptedWhenFresh, 'FORBIDDEN', 'while fresh the token authenticated (no membership: FORBIDDEN, not 401)');
    const waitMs = expiresAtMs(shortLived.token) + 31_000 - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    assertUnauthenticated(await call(shortLived.token, DEPLOYMENTS, { organization: a.slug }), 'expired');
  });
});
