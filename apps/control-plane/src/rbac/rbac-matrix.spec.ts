/**
 * The exhaustive RBAC matrix, against the real control plane (HTTP, graphql-ws
 * and gRPC on loopback, PostgreSQL under row-level security): every operation
 * × every role × organization, deployment and code-location grants × a target
 * inside and outside the grant × our own and a foreign organization, for API
 * tokens, users with a direct grant and (for one role) users granted through a team; agent
 * RPCs also for agent tokens. The expectations below are written out here on
 * purpose, independently of rbac/permissions.ts: a change to the table must
 * change this test too. Last line:
 * `rbac operations=N roles=5 cases=C denied_as_expected=D allowed_as_expected=A leaks=0`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken } from '@gantry/domain';
import { registerTestSecret } from '@gantry/telemetry/testing';
import { createTenant, createCodeLocation, createRun, insertRunEvents, startApiHarness, type ApiHarness, type SeededLocation, type Tenant } from '../api/testing/api-test-kit';
import * as grpc from '@grpc/grpc-js';
import { reportCodeLocations, TestAgent } from '../agents/testing/test-agent';
import { devSignIn } from '../auth/dev-issuer/testing/dev-sign-in';
import { PERMISSIONS } from './permissions';
import { ROLES, roleAtLeast, type Role } from './roles';

type ScopeKind = 'organization' | 'deployment' | 'code_location';
type PrincipalKind = 'api_token' | 'user' | 'team_user';
type Expect = { role: Role; scope: 'public' | 'user' | 'organization' | 'member' | 'deployment' | 'run' | 'agent'; refined?: boolean };

/** Least role and what the operation acts on, stated independently of permissions.ts. */
const EXPECTED: Record<string, Expect> = {
  'Query.serverInfo': { role: 'VIEWER', scope: 'public' },
  'Query.me': { role: 'VIEWER', scope: 'user' },
  'Query.myOrganizations': { role: 'VIEWER', scope: 'user' },
  'Query.organization': { role: 'VIEWER', scope: 'member' },
  'Query.myRole': { role: 'VIEWER', scope: 'member' },
  'Query.deployments': { role: 'VIEWER', scope: 'member' },
  'Query.assets': { role: 'VIEWER', scope: 'deployment' },
  'Query.asset': { role: 'VIEWER', scope: 'deployment' },
  'Query.assetGraphLayout': { role: 'VIEWER', scope: 'deployment' },
  'Query.assetMaterializations': { role: 'VIEWER', scope: 'deployment' },
  'Query.codeLocations': { role: 'VIEWER', scope: 'deployment' },
  'Query.runs': { role: 'VIEWER', scope: 'deployment' },
  'Query.run': { role: 'VIEWER', scope: 'run' },
  'Query.agents': { role: 'VIEWER', scope: 'organization' },
  'Query.members': { role: 'VIEWER', scope: 'member' },
  'Query.teams': { role: 'VIEWER', scope: 'member' },
  'Query.invitations': { role: 'ADMIN', scope: 'organization' },
  'Query.apiTokens': { role: 'ADMIN', scope: 'organization' },
  'Query.agentTokens': { role: 'ADMIN', scope: 'organization' },
  'Query.auditEvents': { role: 'ADMIN', scope: 'organization' },
  'Query.auditLogVerify': { role: 'ADMIN', scope: 'organization' },
  'Query.costBreakdown': { role: 'VIEWER', scope: 'deployment' },
  'Query.topCostAssets': { role: 'VIEWER', scope: 'deployment' },
  'Query.assetCostTrend': { role: 'VIEWER', scope: 'deployment' },
  'Query.assetCostPerMaterialization': { role: 'VIEWER', scope: 'deployment' },
  'Query.assetCostPerPartition': { role: 'VIEWER', scope: 'deployment' },
  'Query.costBudgets': { role: 'VIEWER', scope: 'deployment' },
  'Query.costAlerts': { role: 'VIEWER', scope: 'organization' },
  'Mutation.createOrganization': { role: 'VIEWER', scope: 'user' },
  'Mutation.createDeployment': { role: 'ADMIN', scope: 'organization' },
  'Mutation.launchRun': { role: 'LAUNCHER', scope: 'deployment', refined: true },
  'Mutation.cancelRun': { role: 'LAUNCHER', scope: 'run' },
  'Mutation.inviteMember': { role: 'ADMIN', scope: 'organization' },
  'Mutation.revokeInvitation': { role: 'ADMIN', scope: 'organization' },
  'Mutation.grantRole': { role: 'ADMIN', scope: 'organization' },
  'Mutation.revokeRole': { role: 'ADMIN', scope: 'organization' },
  'Mutation.removeMember': { role: 'ADMIN', scope: 'organization' },
  'Mutation.createTeam': { role: 'ADMIN', scope: 'organization' },
  'Mutation.addTeamMember': { role: 'ADMIN', scope: 'organization' },
  'Mutation.removeTeamMember': { role: 'ADMIN', scope: 'organization' },
  // A VIEWER token scoped like the target: needs VIEWER covering the target (the service's no-escalation rule).
  'Mutation.createApiToken': { role: 'VIEWER', scope: 'deployment', refined: true },
  'Mutation.revokeApiToken': { role: 'VIEWER', scope: 'member' },
  'Mutation.createAgentToken': { role: 'ADMIN', scope: 'organization' },
  'Mutation.rotateAgentToken': { role: 'ADMIN', scope: 'organization' },
  'Mutation.revokeAgentToken': { role: 'ADMIN', scope: 'organization' },
  'Mutation.updateOrganizationSettings': { role: 'OWNER', scope: 'organization' },
  'Mutation.createCostBudget': { role: 'EDITOR', scope: 'deployment' },
  'Mutation.deleteCostBudget': { role: 'EDITOR', scope: 'organization' },
  'Subscription.runEvents': { role: 'VIEWER', scope: 'run' },
  'Subscription.runStatus': { role: 'VIEWER', scope: 'run' },
  'AgentService.ReportCodeLocations': { role: 'VIEWER', scope: 'agent' },
  'AgentService.Session': { role: 'VIEWER', scope: 'agent' },
};

/** What one request acts on. */
interface Target {
  org: Tenant;
  deployment: string;
  codeLocation: string;
  assetKey: string;
  runId: string;
}

/** GraphQL text and variables of an operation for a target. */
type Builder = (t: Target) => { query: string; variables?: Record<string, unknown>; subscription?: boolean };

const uniq = () => randomUUID().slice(0, 8);
const BUILD: Record<string, Builder> = {
  'Query.serverInfo': () => ({ query: '{ serverInfo { version } }' }),
  'Query.me': () => ({ query: '{ me { id } }' }),
  'Query.myOrganizations': () => ({ query: '{ myOrganizations { slug } }' }),
  'Query.organization': () => ({ query: '{ organization { id slug } }' }),
  'Query.myRole': (t) => ({ query: 'query($d: String) { myRole(deployment: $d) }', variables: { d: t.deployment } }),
  'Query.deployments': () => ({ query: '{ deployments { id name } }' }),
  'Query.assets': (t) => ({ query: 'query($d: String!) { assets(deployment: $d) { id key } }', variables: { d: t.deployment } }),
  'Query.asset': (t) => ({ query: 'query($d: String!, $k: String!) { asset(deployment: $d, key: $k) { id key } }', variables: { d: t.deployment, k: t.assetKey } }),
  'Query.assetGraphLayout': (t) => ({ query: 'query($d: String!) { assetGraphLayout(deployment: $d) { fingerprint nodes { key x y } } }', variables: { d: t.deployment } }),
  'Query.assetMaterializations': (t) => ({ query: 'query($d: String!, $k: String!) { assetMaterializations(deployment: $d, key: $k) { edges { node { createdAt } } } }', variables: { d: t.deployment, k: t.assetKey } }),
  'Query.codeLocations': (t) => ({ query: 'query($d: String!) { codeLocations(deployment: $d) { id name } }', variables: { d: t.deployment } }),
  'Query.runs': (t) => ({ query: 'query($d: String!) { runs(deployment: $d) { edges { node { id } } } }', variables: { d: t.deployment } }),
  'Query.run': (t) => ({ query: 'query($id: ID!) { run(id: $id) { id } }', variables: { id: t.runId } }),
  'Query.agents': () => ({ query: '{ agents { id } }' }),
  'Query.members': () => ({ query: '{ members { user { id email } } }' }),
  'Query.teams': () => ({ query: '{ teams { id name } }' }),
  'Query.invitations': () => ({ query: '{ invitations { id email } }' }),
  'Query.apiTokens': () => ({ query: '{ apiTokens { id name } }' }),
  'Query.agentTokens': () => ({ query: '{ agentTokens { id name } }' }),
  'Query.auditEvents': () => ({ query: '{ auditEvents(first: 5) { edges { node { action } } } }' }),
  'Query.auditLogVerify': () => ({ query: '{ auditLogVerify { ok } }' }),
  'Query.costBreakdown': (t) => ({ query: 'query($d: String!) { costBreakdown(dimension: ASSET, from: "2026-11-01", to: "2026-12-01", deployment: $d) { key } }', variables: { d: t.deployment } }),
  'Query.topCostAssets': (t) => ({ query: 'query($d: String!) { topCostAssets(from: "2026-11-01", to: "2026-12-01", deployment: $d) { assetKey } }', variables: { d: t.deployment } }),
  'Query.assetCostTrend': (t) => ({ query: 'query($d: String!, $k: String!) { assetCostTrend(deployment: $d, key: $k, from: "2026-11-01", to: "2026-12-01") { key } }', variables: { d: t.deployment, k: t.assetKey } }),
  'Query.assetCostPerMaterialization': (t) => ({ query: 'query($d: String!, $k: String!) { assetCostPerMaterialization(deployment: $d, key: $k) { runId } }', variables: { d: t.deployment, k: t.assetKey } }),
  'Query.assetCostPerPartition': (t) => ({ query: 'query($d: String!, $k: String!) { assetCostPerPartition(deployment: $d, key: $k) { partitionKey } }', variables: { d: t.deployment, k: t.assetKey } }),
  'Query.costBudgets': (t) => ({ query: 'query($d: String!) { costBudgets(deployment: $d) { id } }', variables: { d: t.deployment } }),
  'Query.costAlerts': () => ({ query: '{ costAlerts { id } }' }),
  'Mutation.createOrganization': () => ({ query: 'mutation($s: String!) { createOrganization(slug: $s, name: "m") { id } }', variables: { s: `m-${uniq()}` } }),
  'Mutation.createDeployment': () => ({ query: 'mutation($n: String!) { createDeployment(name: $n) { id } }', variables: { n: `d-${uniq()}` } }),
  'Mutation.launchRun': (t) => ({ query: 'mutation($d: String!, $k: [String!]!) { launchRun(input: { deployment: $d, assetKeys: $k }) { id } }', variables: { d: t.deployment, k: [t.assetKey] } }),
  'Mutation.cancelRun': (t) => ({ query: 'mutation($id: ID!) { cancelRun(id: $id) { id } }', variables: { id: t.runId } }),
  'Mutation.inviteMember': () => ({ query: 'mutation($e: String!) { inviteMember(email: $e, role: VIEWER) { id } }', variables: { e: `${uniq()}@example.com` } }),
  'Mutation.revokeInvitation': () => ({ query: 'mutation($id: ID!) { revokeInvitation(id: $id) }', variables: { id: randomUUID() } }),
  'Mutation.grantRole': () => ({ query: 'mutation($id: ID!) { grantRole(principalKind: USER, principalId: $id, role: VIEWER) { id } }', variables: { id: randomUUID() } }),
  'Mutation.revokeRole': () => ({ query: 'mutation($id: ID!) { revokeRole(grantId: $id) }', variables: { id: randomUUID() } }),
  'Mutation.removeMember': () => ({ query: 'mutation($id: ID!) { removeMember(userId: $id) }', variables: { id: randomUUID() } }),
  'Mutation.createTeam': () => ({ query: 'mutation($n: String!) { createTeam(name: $n) { id } }', variables: { n: `team-${uniq()}` } }),
  'Mutation.addTeamMember': () => ({ query: 'mutation($t: ID!, $u: ID!) { addTeamMember(teamId: $t, userId: $u) }', variables: { t: randomUUID(), u: randomUUID() } }),
  'Mutation.removeTeamMember': () => ({ query: 'mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) }', variables: { t: randomUUID(), u: randomUUID() } }),
  'Mutation.createApiToken': (t) => ({
    query: 'mutation($d: String!, $c: String!) { createApiToken(name: "m", role: VIEWER, scope: { deployment: $d, codeLocation: $c }) { apiToken { id } } }',
    variables: { d: t.deployment, c: t.codeLocation },
  }),
  'Mutation.revokeApiToken': () => ({ query: 'mutation($id: ID!) { revokeApiToken(id: $id) { id } }', variables: { id: randomUUID() } }),
  'Mutation.createAgentToken': () => ({ query: 'mutation { createAgentToken(name: "m") { agentToken { id } } }' }),
  'Mutation.rotateAgentToken': () => ({ query: 'mutation($id: ID!) { rotateAgentToken(id: $id) { agentToken { id } } }', variables: { id: randomUUID() } }),
  'Mutation.revokeAgentToken': () => ({ query: 'mutation($id: ID!) { revokeAgentToken(id: $id) { id } }', variables: { id: randomUUID() } }),
  'Mutation.updateOrganizationSettings': () => ({ query: 'mutation { updateOrganizationSettings(auditRetentionDays: 365) { id } }' }),
  'Mutation.createCostBudget': (t) => ({
    query: 'mutation($d: String!, $n: String!) { createCostBudget(input: { name: $n, deployment: $d, scope: DEPLOYMENT, period: MONTH, limitUsd: 100, webhookUrl: "http://127.0.0.1:9/hook" }) { id } }',
    variables: { d: t.deployment, n: `b-${uniq()}` },
  }),
  'Mutation.deleteCostBudget': () => ({ query: 'mutation($id: ID!) { deleteCostBudget(id: $id) }', variables: { id: randomUUID() } }),
  'Subscription.runEvents': (t) => ({ query: 'subscription($id: ID!) { runEvents(runId: $id) { seq } }', variables: { id: t.runId }, subscription: true }),
  'Subscription.runStatus': (t) => ({ query: 'subscription($id: ID!) { runStatus(runId: $id) { id } }', variables: { id: t.runId }, subscription: true }),
};

/** Codes that mean "refused by authorization" (ROLE_TOO_HIGH: the no-escalation rule of token and grant creation). */
/** Operations of one principal in flight at once. */
const MATRIX_CONCURRENCY = 6;

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inBatches<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** How long an accepted subscription may stay silent before the case counts as allowed, ms. */
const SUBSCRIPTION_QUIET_MS = 1500;

const DENIAL_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'ROLE_TOO_HIGH']);

/** Whether a grant of `scope` lets `e` act on the inside/outside target (see Target). */
function expectedAllowed(e: Expect, principal: PrincipalKind, role: Role, scope: ScopeKind, inside: boolean): boolean {
  if (e.scope === 'public') return true;
  if (e.scope === 'user') return principal !== 'api_token';
  if (e.scope === 'agent') return false;
  if (!roleAtLeast(role, e.role)) return false;
  switch (e.scope) {
    case 'organization':
      return scope === 'organization';
    case 'member':
      return true;
    case 'deployment':
      return scope === 'organization' || (inside && (scope === 'deployment' || (e.refined === true && scope === 'code_location')));
    case 'run':
      return scope === 'organization' || inside;
  }
}

let h: ApiHarness;
let a: Tenant;
let b: Tenant;
const targets = {} as Record<'inside' | 'outsideDeployment' | 'outsideLocation' | 'foreign', Target>;
/** Ids and names of organization B that must never appear in an answer to A's principals. */
const foreignMarkers: string[] = [];

async function seedOrg(t: Tenant, prefix: string): Promise<{ inside: Target; outsideDeployment: Target; outsideLocation: Target; locs: SeededLocation[] }> {
  const loc1 = await createCodeLocation(h.prisma, t, { name: 'loc1', version: null, assets: [{ key: `${prefix}/one` }] });
  const loc2 = await createCodeLocation(h.prisma, t, { name: 'loc2', version: null, assets: [{ key: `${prefix}/two` }] });
  const loc3 = await createCodeLocation(h.prisma, t, { name: 'loc3', deployment: 'staging', version: null, assets: [{ key: `${prefix}/three` }] });
  const r1 = await createRun(h.prisma, t, loc1, { status: 'STARTED' });
  const r2 = await createRun(h.prisma, t, loc2, { status: 'STARTED' });
  const r3 = await createRun(h.prisma, t, loc3, { status: 'STARTED' });
  // One stored event each, so an accepted runEvents subscription answers at once.
  for (const r of [r1, r2, r3]) await insertRunEvents(h.prisma, t.orgId, r, [{ seq: 1, message: `${prefix} event` }]);
  return {
    inside: { org: t, deployment: 'prod', codeLocation: 'loc1', assetKey: `${prefix}/one`, runId: r1 },
    outsideLocation: { org: t, deployment: 'prod', codeLocation: 'loc2', assetKey: `${prefix}/two`, runId: r2 },
    outsideDeployment: { org: t, deployment: 'staging', codeLocation: 'loc3', assetKey: `${prefix}/three`, runId: r3 },
    locs: [loc1, loc2, loc3],
  };
}

/** A principal of organization A holding `role` at `scope` (prod, or prod/loc1). */
async function principal(kind: PrincipalKind, role: Role, scope: ScopeKind, loc1Id: string): Promise<string> {
  const deploymentId = scope === 'organization' ? null : a.prodId;
  const codeLocationId = scope === 'code_location' ? loc1Id : null;
  if (kind === 'api_token') {
    const t = mintToken('api');
    registerTestSecret(t.value, 'API token');
    await h.prisma.apiToken.create({ data: { orgId: a.orgId, name: `${role}-${scope}`, tokenHash: t.hash, prefix: t.prefix, role, deploymentId, codeLocationId } });
    return t.value;
  }
  const email = `${kind}-${role}-${scope}-${uniq()}@example.com`.toLowerCase();
  const signIn = await devSignIn(h.server.oidcIssuer, { name: email, email });
  const token = String(signIn.body['access_token']);
  registerTestSecret(token, 'access token');
  // The first request creates the user (sign-in); it is not a member yet, so it is refused.
  const first = await call(token, a.slug, BUILD['Query.organization']!(targets.inside));
  assert.equal(first.codes.includes('FORBIDDEN'), true, 'a signed-in non-member is refused');
  const user = await h.prisma.user.findFirstOrThrow({ where: { email } });
  await h.prisma.organizationMember.create({ data: { orgId: a.orgId, userId: user.id } });
  if (kind === 'user') {
    await h.prisma.roleGrant.create({ data: { orgId: a.orgId, principalKind: 'USER', principalId: user.id, role, deploymentId, codeLocationId } });
  } else {
    const team = await h.prisma.team.create({ data: { orgId: a.orgId, name: `team-${role}-${scope}-${uniq()}` } });
    await h.prisma.teamMember.create({ data: { orgId: a.orgId, teamId: team.id, userId: user.id } });
    await h.prisma.roleGrant.create({ data: { orgId: a.orgId, principalKind: 'TEAM', principalId: team.id, role, deploymentId, codeLocationId } });
  }
  return token;
}

/** One GraphQL operation over HTTP (queries, mutations) or graphql-ws (subscriptions), naming organization `slug` in the path / connection params. */
async function call(token: string, slug: string, op: ReturnType<Builder>): Promise<{ codes: string[]; body: string; hasData: boolean }> {
  if (op.subscription) {
    const client = createClient({
      url: `${h.server.httpUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}`, organization: slug },
      retryAttempts: 0,
      lazy: true,
    });
    try {
      const first = await new Promise<{ codes: string[]; body: string; hasData: boolean }>((resolve) => {
        // A refusal arrives at once; an accepted subscription to a quiet run may send nothing for a while.
        const quiet = setTimeout(() => resolve({ codes: [], body: '', hasData: true }), SUBSCRIPTION_QUIET_MS);
        const unsubscribe = client.subscribe(
          { query: op.query, variables: op.variables ?? {} },
          {
            next: (v) => {
              clearTimeout(quiet);
              unsubscribe();
              const errors = (v.errors ?? []) as readonly { extensions?: Record<string, unknown> }[];
              resolve({ codes: errors.map((e) => String(e.extensions?.['code'])), body: JSON.stringify(v), hasData: v.data != null });
            },
            error: (e) => {
              clearTimeout(quiet);
              const list = Array.isArray(e) ? (e as { extensions?: Record<string, unknown> }[]) : [];
              resolve({ codes: list.length ? list.map((x) => String(x.extensions?.['code'])) : ['UNAUTHENTICATED'], body: JSON.stringify(e), hasData: false });
            },
            complete: () => {
              clearTimeout(quiet);
              resolve({ codes: [], body: '', hasData: false });
            },
          },
        );
      });
      return first;
    } finally {
      await client.dispose();
    }
  }
  const res = await fetch(`${h.server.httpUrl}/orgs/${slug}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: op.query, variables: op.variables ?? {} }),
  });
  const text = await res.text();
  const json = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { extensions?: Record<string, unknown> }[] };
  const codes = (json.errors ?? []).map((e) => String(e.extensions?.['code']));
  if (res.status === 401) codes.push('UNAUTHENTICATED');
  if (res.status === 403) codes.push('FORBIDDEN');
  return { codes, body: text, hasData: !!json.data && Object.values(json.data).some((v) => v !== null) };
}

describe('RBAC matrix (real control plane; every operation × role × scope × inside/outside × own/foreign organization)', () => {
  before(async () => {
    h = await startApiHarness({ env: { GANTRY_RATE_LIMIT_PER_ACTOR: '100000', GANTRY_AUTH_FAILURES_PER_IP: '100000', GANTRY_RATE_LIMIT_ANONYMOUS_PER_IP: '100000' } });
    a = await createTenant(h.prisma, ['staging']);
    b = await createTenant(h.prisma, ['staging']);
    const seededA = await seedOrg(a, 'mine');
    const seededB = await seedOrg(b, 'theirs');
    Object.assign(targets, { inside: seededA.inside, outsideDeployment: seededA.outsideDeployment, outsideLocation: seededA.outsideLocation, foreign: seededB.inside });
    // Not B's slug: the caller names it, and the refusal may echo it.
    foreignMarkers.push(b.orgId, b.prodId, seededB.inside.runId, seededB.outsideLocation.runId, 'theirs/one', 'theirs/two', ...seededB.locs.map((l) => l.id));
    (targets as Record<string, unknown>)['loc1Id'] = seededA.locs[0]!.id;
  });
  after(async () => {
    await h?.close();
  });

  test('every operation of the permission table is in the matrix, and every role and scope is exercised', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), Object.keys(PERMISSIONS).sort(), 'the matrix and rbac/permissions.ts name the same operations');
    // createApiToken passes the gate for any member; its service then refuses a role above the caller's at the token's scope, which the matrix expects.
    for (const [name, p] of Object.entries(PERMISSIONS)) {
      if (name === 'Mutation.createApiToken') continue;
      assert.deepEqual({ role: p.role, scope: p.scope, refined: p.refinedToCodeLocation ?? false }, { ...EXPECTED[name]!, refined: EXPECTED[name]!.refined ?? false }, name);
    }
  });

  test('allowed exactly where a grant covers the target; never anything of another organization', { timeout: 600_000 }, async () => {
    const loc1Id = (targets as Record<string, unknown>)['loc1Id'] as string;
    const graphqlOps = Object.keys(EXPECTED).filter((n) => !n.startsWith('AgentService.'));
    const mismatches: string[] = [];
    let cases = 0;
    let deniedAsExpected = 0;
    let allowedAsExpected = 0;
    let leaks = 0;
    const record = (label: string, expected: boolean, allowed: boolean, body: string) => {
      // A request the schema refuses proves nothing about permissions: that is a bug of this test.
      if (body.includes('GRAPHQL_VALIDATION_FAILED')) throw new Error(`${label}: the matrix sent an invalid request: ${body.slice(0, 300)}`);
      cases++;
      const leaked = foreignMarkers.some((m) => body.includes(m));
      if (leaked) leaks++;
      if (expected === allowed && !leaked) {
        if (allowed) allowedAsExpected++;
        else deniedAsExpected++;
      } else {
        if (allowed && !expected) leaks++;
        mismatches.push(`${label}: expected ${expected ? 'allowed' : 'denied'}, got ${allowed ? 'allowed' : 'denied'}${leaked ? ' (foreign data in the answer)' : ''}: ${body.slice(0, 300)}`);
      }
    };

    // Team grants are the same rows as user grants with another principal: one role per scope is enough to prove the join.
    const principals = (['api_token', 'user', 'team_user'] as const).flatMap((kind) =>
      ROLES.flatMap((role) => (['organization', 'deployment', 'code_location'] as const).map((scope) => ({ kind, role, scope }))),
    ).filter((p) => p.kind !== 'team_user' || p.role === 'LAUNCHER');
    for (const { kind, role, scope } of principals) {
          const token = await principal(kind, role, scope, loc1Id);
          const outside = scope === 'code_location' ? targets.outsideLocation : targets.outsideDeployment;
          // Operations of one principal run a few at a time; each operation's three calls stay in order.
          await inBatches(graphqlOps, MATRIX_CONCURRENCY, async (op) => {
            const e = EXPECTED[op]!;
            for (const [where, target] of [['inside', targets.inside], ['outside', outside]] as const) {
              const r = await call(token, a.slug, BUILD[op]!(target));
              const allowed = !r.codes.some((c) => DENIAL_CODES.has(c));
              record(`${kind} ${role}@${scope} ${op} ${where}`, expectedAllowed(e, kind, role, scope, where === 'inside'), allowed, r.body);
            }
            // Foreign: name organization B and its objects. Nothing is allowed (public and user-level operations excepted: they touch no organization).
            const r = await call(token, b.slug, BUILD[op]!(targets.foreign));
            const allowed = !r.codes.some((c) => DENIAL_CODES.has(c));
            const expected = e.scope === 'public' || (e.scope === 'user' && kind !== 'api_token');
            record(`${kind} ${role}@${scope} ${op} foreign`, expected, allowed, expected ? '' : r.body);
          });
          // Agent RPCs refuse every non-agent credential, whatever its role: the stream ends UNAUTHENTICATED at once.
          const session = TestAgent.open(h.server.grpcAddress, token);
          session.send({ hello: { agent: { name: `x-${uniq()}`, version: '0', launcher: 'process', deployments: [] }, freeSlots: 0, runningRunIds: [] } });
          const ended = await session.status;
          session.close();
          record(`${kind} ${role}@${scope} AgentService.Session`, false, ended.code !== grpc.status.UNAUTHENTICATED, ended.details);
          const report = await reportCodeLocations(h.server.grpcAddress, token, { locations: [] }).then(
            () => 'accepted',
            (e: grpc.ServiceError) => (e.code === grpc.status.UNAUTHENTICATED ? 'refused' : `other: ${e.code}`),
          );
          record(`${kind} ${role}@${scope} AgentService.ReportCodeLocations`, false, report !== 'refused', report);
    }

    // Agent tokens: an organization-wide one and one for prod; inside = prod, outside = staging; foreign = B's deployment name does not exist in A.
    for (const scoped of [false, true]) {
      const t = mintToken('agent');
      registerTestSecret(t.value, 'agent token');
      await h.prisma.agentToken.create({ data: { orgId: a.orgId, name: `agent-${scoped}`, tokenHash: t.hash, prefix: t.prefix, deploymentIds: scoped ? [a.prodId] : [] } });
      for (const [where, deployments, expected] of [['inside', ['prod'], true], ['outside', ['staging'], !scoped], ['foreign', [`only-in-b-${uniq()}`], false]] as const) {
        const ok = await TestAgent.connect(h.server.grpcAddress, t.value, { name: `agent-${uniq()}`, deployments: [...deployments] }).then(
          (agent) => (agent.close(), true),
          () => false,
        );
        record(`agent token ${scoped ? 'prod' : 'org-wide'} Session ${where}`, expected, ok, '');
      }
      // An agent token is not an API credential.
      const r = await call(t.value, a.slug, BUILD['Query.deployments']!(targets.inside));
      record(`agent token ${scoped ? 'prod' : 'org-wide'} Query.deployments`, false, !r.codes.some((c) => DENIAL_CODES.has(c)), r.body);
    }

    console.log(
      `rbac operations=${Object.keys(EXPECTED).length} roles=${ROLES.length} cases=${cases} denied_as_expected=${deniedAsExpected} allowed_as_expected=${allowedAsExpected} leaks=${leaks}`,
    );
    assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} mismatches`);
    assert.equal(leaks, 0);
    assert.equal(deniedAsExpected + allowedAsExpected, cases);
  });
});
