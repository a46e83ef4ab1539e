import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { mintToken } from '@gantry/domain';
import { createApiToken, createCodeLocation, createTenant, startApiHarness, type ApiHarness, type SeededLocation, type Tenant } from '../api/testing/api-test-kit';
import { TenantDb } from '../database/tenant-db';
import { auditWho } from './audit-actor';
import { AuditLog } from './audit-log.service';
import { AuditRetentionJob } from './audit-retention.job';
import { runInAuditScope } from './audit-scope';
import { AuthAudit } from './auth-audit';
import { REDACTED, redactSecrets } from './redact';

const LAUNCH = 'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id status } }';
const CANCEL = 'mutation($id: ID!) { cancelRun(id: $id) { id status } }';
const EVENTS = `query($filter: AuditEventFilterInput, $first: Int, $after: String) { auditEvents(filter: $filter, first: $first, after: $after) {
  edges { cursor node { id seq occurredAt actor { kind id label } action target { type id } outcome before after metadata sourceIp userAgent prevHash hash } }
  pageInfo { hasNextPage endCursor } } }`;
const VERIFY = '{ auditLogVerify { ok eventsChecked firstBrokenSeq reason } }';

interface EventNode {
  id: string;
  seq: number;
  occurredAt: string;
  actor: { kind: string; id: string | null; label: string | null };
  action: string;
  target: { type: string; id: string | null } | null;
  outcome: string;
  before: unknown;
  after: unknown;
  metadata: Record<string, unknown>;
  sourceIp: string | null;
  userAgent: string | null;
  prevHash: string;
  hash: string;
}
type EventsResult = { auditEvents: { edges: { cursor: string; node: EventNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
type VerifyResult = { auditLogVerify: { ok: boolean; eventsChecked: number; firstBrokenSeq: number | null; reason: string | null } };

describe('audit log', () => {
  let h: ApiHarness;
  let owner: pg.Pool;
  let audit: AuditLog;
  let a: Tenant;
  let b: Tenant;
  let loc: SeededLocation;
  /** Every secret minted in this file: none may appear in any audit row. */
  const secrets: string[] = [];

  async function events(token: string, variables: Record<string, unknown> = {}): Promise<EventNode[]> {
    const r = await h.gql<EventsResult>(token, EVENTS, { first: 100, ...variables });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data!.auditEvents.edges.map((e) => e.node);
  }

  before(async () => {
    h = await startApiHarness();
    owner = new pg.Pool({ connectionString: h.db.url, max: 3 });
    audit = h.server.app.get(AuditLog);
    a = await createTenant(h.prisma);
    b = await createTenant(h.prisma);
    secrets.push(a.token, b.token);
    loc = await createCodeLocation(h.prisma, a, { name: 'flights', assets: [{ key: 'f/raw' }] });
  });
  after(async () => {
    await owner.end();
    await h.close();
  });

  describe('every GraphQL mutation is audited', () => {
    test('a successful mutation without its own event gets graphql.<field> with redacted arguments, actor and origin', async () => {
      const leaked = mintToken('api').value;
      secrets.push(leaked);
      const r = await h.gql<{ launchRun: { id: string } }>(a.token, LAUNCH, { input: { assetKeys: ['f/raw'], tags: [{ key: 'note', value: leaked }, { key: 'team', value: 'data' }] } });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const [ev] = await events(a.token, { filter: { action: 'graphql.launchRun' } });
      assert.ok(ev);
      assert.equal(ev.outcome, 'success');
      assert.deepEqual(ev.actor, { kind: 'api_token', id: a.tokenId, label: null });
      assert.deepEqual(ev.target, { type: 'graphql_mutation', id: 'launchRun' });
      assert.equal(ev.sourceIp, '127.0.0.1');
      assert.ok(ev.userAgent, 'the user agent is recorded');
      assert.deepEqual(ev.metadata['arguments'], { input: { deployment: 'prod', assetKeys: ['f/raw'], tags: [{ key: 'note', value: REDACTED }, { key: 'team', value: 'data' }] } });
      assert.ok(loc.assets['f/raw']);
    });

    test('a failing mutation is recorded as a failure with its error code', async () => {
      const id = randomUUID();
      const r = await h.gql(a.token, CANCEL, { id });
      assert.equal(r.errors?.[0]?.extensions?.['code'], 'RUN_NOT_FOUND');
      const [ev] = await events(a.token, { filter: { action: 'graphql.cancelRun' } });
      assert.equal(ev?.outcome, 'failure');
      assert.deepEqual(ev?.metadata, { arguments: { id }, errorCode: 'RUN_NOT_FOUND' });
    });

    test('an unauthenticated mutation reaches no organization chain', async () => {
      const before = (await owner.query('SELECT 1 FROM audit_events')).rowCount;
      const r = await h.gql(undefined, CANCEL, { id: randomUUID() });
      assert.equal(r.status, 401);
      assert.equal((await owner.query('SELECT 1 FROM audit_events')).rowCount, before);
    });

    test('an event recorded inside a mutation scope marks the mutation as audited (no generic event is added)', async () => {
      const { scope, result } = runInAuditScope('grantRole', () =>
        audit.record({ ...auditWho({ orgId: a.orgId, actor: { kind: 'api_token', id: a.tokenId }, grants: [] }), action: 'role.grant', target: { type: 'user', id: randomUUID() }, before: null, after: { role: 'EDITOR' } }),
      );
      await result;
      assert.equal(scope.recorded, 1);
    });
  });

  describe('AuditLog.record', () => {
    test('inside a Prisma transaction: the event commits and rolls back with the audited change', async () => {
      const db = h.server.app.get(TenantDb);
      const count = async () => Number((await owner.query<{ n: string }>("SELECT count(*) AS n FROM audit_events WHERE org_id = $1 AND action = 'test.tx'", [b.orgId])).rows[0]!.n);
      await assert.rejects(
        db.tx(b.orgId, async (tx) => {
          await audit.record({ orgId: b.orgId, actor: { kind: 'system', id: null, label: 'test' }, action: 'test.tx' }, tx);
          throw new Error('the audited change failed');
        }),
        /the audited change failed/,
      );
      assert.equal(await count(), 0, 'rolled back with the transaction');
      const stored = await db.tx(b.orgId, (tx) => audit.record({ orgId: b.orgId, actor: { kind: 'system', id: null, label: 'test' }, action: 'test.tx', after: { at: new Date(0) } }, tx));
      assert.equal(await count(), 1);
      assert.deepEqual(stored.after, { at: '1970-01-01T00:00:00.000Z' }, 'dates are stored as ISO strings');
      const raw = await db.raw(b.orgId, (client) => audit.record({ orgId: b.orgId, actor: { kind: 'system', id: null, label: 'test' }, action: 'test.tx' }, client));
      assert.equal(raw.seq, stored.seq + 1, 'a pg client transaction continues the same chain');
    });

    test('bad events are refused with the field named', async () => {
      await assert.rejects(audit.record({ orgId: a.orgId, actor: { kind: 'user', id: null, label: null }, action: 'run.launch' }), /actor.id is required/);
      await assert.rejects(audit.record({ orgId: a.orgId, actor: { kind: 'system', id: null, label: null }, action: 'launch' }), /action must be dotted/);
    });
  });

  describe('auditEvents', () => {
    let c: Tenant;
    const userId = randomUUID();
    before(async () => {
      c = await createTenant(h.prisma);
      secrets.push(c.token);
      const day = 86_400_000;
      const who = { orgId: c.orgId, sourceIp: '10.0.0.1', userAgent: 'spec' };
      await audit.record({ ...who, actor: { kind: 'user', id: userId, label: 'ada@example.com' }, action: 'role.grant', target: { type: 'user', id: 'u-1' }, occurredAt: new Date(Date.now() - 3 * day) });
      await audit.record({ ...who, actor: { kind: 'api_token', id: c.tokenId, label: null }, action: 'run.launch', target: { type: 'run', id: 'r-1' }, occurredAt: new Date(Date.now() - 2 * day) });
      await audit.record({ ...who, actor: { kind: 'api_token', id: c.tokenId, label: null }, action: 'run.cancel', target: { type: 'run', id: 'r-1' }, occurredAt: new Date(Date.now() - day) });
      await audit.record({ ...who, actor: { kind: 'system', id: null, label: 'reaper' }, action: 'auth.token_rejected', outcome: 'failure' });
    });

    test('lists newest first with cursor pagination', async () => {
      const first = await h.gql<EventsResult>(c.token, EVENTS, { first: 3 });
      const page1 = first.data!.auditEvents;
      assert.deepEqual(page1.edges.map((e) => e.node.seq), [4, 3, 2]);
      assert.equal(page1.pageInfo.hasNextPage, true);
      const second = await h.gql<EventsResult>(c.token, EVENTS, { first: 3, after: page1.pageInfo.endCursor });
      assert.deepEqual(second.data!.auditEvents.edges.map((e) => e.node.seq), [1]);
      assert.equal(second.data!.auditEvents.pageInfo.hasNextPage, false);
      const [top] = page1.edges;
      assert.equal(top?.node.prevHash, page1.edges[1]?.node.hash);
    });

    test('filters by actor, action (exact and prefix), target and time', async () => {
      const seqs = async (filter: Record<string, unknown>) => (await events(c.token, { filter })).map((e) => e.seq);
      assert.deepEqual(await seqs({ actor: `api_token:${c.tokenId}` }), [3, 2]);
      assert.deepEqual(await seqs({ actor: userId }), [1]);
      assert.deepEqual(await seqs({ actor: 'system' }), [4]);
      assert.deepEqual(await seqs({ action: 'run.launch' }), [2]);
      assert.deepEqual(await seqs({ action: 'run.*' }), [3, 2]);
      assert.deepEqual(await seqs({ targetType: 'run', targetId: 'r-1' }), [3, 2]);
      assert.deepEqual(await seqs({ targetType: 'user' }), [1]);
      const day = 86_400_000;
      assert.deepEqual(await seqs({ from: new Date(Date.now() - 2.5 * day).toISOString(), to: new Date(Date.now() - 0.5 * day).toISOString() }), [3, 2]);
    });

    test('bad arguments get a clear error each', async () => {
      const cases: [Record<string, unknown>, RegExp, string][] = [
        [{ first: 0 }, /invalid argument first: must be between 1 and 100, got 0/, 'INVALID_ARGUMENT'],
        [{ first: 101 }, /must be between 1 and 100/, 'INVALID_ARGUMENT'],
        [{ after: 'bogus' }, /invalid cursor/, 'INVALID_CURSOR'],
        [{ after: Buffer.from(JSON.stringify(['runs', 1])).toString('base64url') }, /invalid cursor/, 'INVALID_CURSOR'],
        [{ filter: { actor: 'robot:1' } }, /invalid argument filter.actor: unknown actor kind "robot"/, 'INVALID_ARGUMENT'],
        [{ filter: { actor: 'user:' } }, /filter.actor: the id after "<kind>:" is empty/, 'INVALID_ARGUMENT'],
        [{ filter: { actor: '  ' } }, /filter.actor: must be a non-empty string/, 'INVALID_ARGUMENT'],
        [{ filter: { action: 'Run Launch' } }, /filter.action: must be a dotted action/, 'INVALID_ARGUMENT'],
        [{ filter: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, /filter.from: is after filter.to/, 'INVALID_ARGUMENT'],
      ];
      for (const [variables, message, code] of cases) {
        const r = await h.gql(c.token, EVENTS, { first: 10, ...variables });
        assert.match(r.errors?.[0]?.message ?? '', message, JSON.stringify(variables));
        assert.equal(r.errors?.[0]?.extensions?.['code'], code);
      }
    });

    test("another organization's events never come back", async () => {
      const mine = await events(c.token);
      const theirs = await events(a.token);
      assert.ok(mine.length > 0 && theirs.length > 0);
      assert.ok(!theirs.some((e) => mine.some((m) => m.id === e.id)));
      assert.deepEqual(await events(a.token, { filter: { actor: `api_token:${c.tokenId}` } }), []);
      assert.deepEqual(await events(c.token, { filter: { targetType: 'graphql_mutation' } }), []);
    });
  });

  describe('auditLogVerify', () => {
    test('passes on an intact chain, names the first broken link after an edit, and stays per organization', async () => {
      const d = await createTenant(h.prisma);
      secrets.push(d.token);
      for (let i = 0; i < 5; i++) await audit.record({ orgId: d.orgId, actor: { kind: 'system', id: null, label: 'test' }, action: 'test.verify', after: { i } });
      const ok = await h.gql<VerifyResult>(d.token, VERIFY);
      assert.deepEqual(ok.data?.auditLogVerify, { ok: true, eventsChecked: 5, firstBrokenSeq: null, reason: null });
      await owner.query(`UPDATE audit_events SET after = '{"i": 99}' WHERE org_id = $1 AND seq = 3`, [d.orgId]);
      const broken = await h.gql<VerifyResult>(d.token, VERIFY);
      assert.deepEqual(broken.data?.auditLogVerify, { ok: false, eventsChecked: 3, firstBrokenSeq: 3, reason: 'hash mismatch: the stored event seq 3 was modified after it was written' });
      const other = await h.gql<VerifyResult>(a.token, VERIFY);
      assert.equal(other.data?.auditLogVerify.ok, true, "another organization's chain is unaffected");
    });
  });

  describe('exports', () => {
    let e: Tenant;
    before(async () => {
      e = await createTenant(h.prisma);
      secrets.push(e.token);
      for (let i = 1; i <= 3; i++) {
        await audit.record({ orgId: e.orgId, actor: { kind: 'api_token', id: e.tokenId, label: 'ci, "nightly"' }, action: i === 2 ? 'run.cancel' : 'run.launch', target: { type: 'run', id: `r-${i}` }, after: { n: i } });
      }
    });
    const get = (path: string, token?: string) => fetch(`${h.server.httpUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    test('NDJSON streams one event per line, newest first, with the filters', async () => {
      const res = await get(`/api/orgs/${e.slug}/audit-events.ndjson`, e.token);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/x-ndjson/);
      const lines = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as EventNode);
      assert.deepEqual(lines.map((l) => l.seq), [3, 2, 1]);
      assert.deepEqual(lines[0]?.actor, { kind: 'api_token', id: e.tokenId, label: 'ci, "nightly"' });
      assert.deepEqual(lines[0]?.after, { n: 3 });
      const filtered = await get(`/api/orgs/${e.slug}/audit-events.ndjson?action=run.launch&targetId=r-1`, e.token);
      const only = (await filtered.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as EventNode);
      assert.deepEqual(only.map((l) => l.seq), [1]);
    });

    test('CSV streams a header and one row per event, quoting as needed', async () => {
      const res = await get(`/api/orgs/${e.slug}/audit-events.csv?action=run.*`, e.token);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      const lines = (await res.text()).trimEnd().split('\n');
      assert.equal(lines[0], 'seq,occurredAt,actorKind,actorId,actorLabel,action,targetType,targetId,outcome,before,after,metadata,sourceIp,userAgent,id,prevHash,hash');
      assert.equal(lines.length, 4);
      assert.match(lines[1]!, new RegExp(`^3,[^,]+,api_token,${e.tokenId},"ci, ""nightly""",run\\.launch,run,r-3,success,,"{""n"":3}",\\{\\},`));
    });

    test('refuses missing credentials (401), another organization (404) and bad filters (400)', async () => {
      const anon = await get(`/api/orgs/${e.slug}/audit-events.ndjson`);
      assert.equal(anon.status, 401);
      assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
      const wrongToken = await get(`/api/orgs/${e.slug}/audit-events.csv`, 'gantry_api_nope');
      assert.equal(wrongToken.status, 401);
      const foreign = await get(`/api/orgs/${a.slug}/audit-events.ndjson`, e.token);
      assert.equal(foreign.status, 404);
      assert.deepEqual(await foreign.json(), { error: `organization "${a.slug}" not found`, code: 'ORGANIZATION_NOT_FOUND' });
      const missing = await get('/api/orgs/no-such-org/audit-events.csv', e.token);
      assert.equal(missing.status, 404);
      const cases: [string, RegExp][] = [
        ['from=yesterday', /invalid argument from: must be an ISO 8601 date-time/],
        ['actor=robot:1', /invalid argument actor: unknown actor kind "robot"/],
        ['action=a&action=b', /invalid argument action: must be given once/],
        ['colour=red', /invalid argument colour: unknown parameter/],
      ];
      for (const [query, message] of cases) {
        const res = await get(`/api/orgs/${e.slug}/audit-events.ndjson?${query}`, e.token);
        assert.equal(res.status, 400, query);
        const body = (await res.json()) as { error: string; code: string };
        assert.match(body.error, message);
        assert.equal(body.code, 'INVALID_ARGUMENT');
      }
    });
  });

  describe('authentication events', () => {
    test('sign-in and rejected tokens of a known organization are recorded; unknown ones only logged; repeats throttled', async () => {
      const f = await createTenant(h.prisma);
      secrets.push(f.token);
      const revoked = await createApiToken(h.prisma, f.orgId, { revokedAt: new Date() });
      secrets.push(revoked.value);
      const auth = h.server.app.get(AuthAudit);
      const origin = { sourceIp: '192.0.2.7', userAgent: 'curl/8' };
      const rejected = await auth.tokenRejected({ reason: 'revoked', credential: 'api_token', orgId: f.orgId, principalId: revoked.id, label: revoked.value.slice(0, 16), origin });
      assert.equal(rejected?.action, 'auth.token_rejected');
      assert.equal(rejected?.outcome, 'failure');
      assert.deepEqual(rejected?.metadata, { reason: 'revoked', credential: 'api_token', suppressed: 0 });
      assert.equal(await auth.tokenRejected({ reason: 'revoked', credential: 'api_token', orgId: f.orgId, principalId: revoked.id, origin }), undefined, 'throttled');
      assert.equal(await auth.tokenRejected({ reason: 'unknown', credential: 'api_token', origin }), undefined, 'no organization: logged only');
      const userId = randomUUID();
      const signIn = await auth.signIn({ orgId: f.orgId, user: { kind: 'user', id: userId, subject: 'sub-1', email: 'ada@example.com', name: 'Ada' }, origin, created: true });
      assert.deepEqual({ action: signIn.action, actor: [signIn.actorKind, signIn.actorId, signIn.actorLabel], ip: signIn.sourceIp }, { action: 'auth.sign_in', actor: ['user', userId, 'ada@example.com'], ip: '192.0.2.7' });
      const rows = await events(f.token, { filter: { action: 'auth.*' } });
      assert.deepEqual(rows.map((r) => r.action), ['auth.sign_in', 'auth.token_rejected']);
    });
  });

  describe('retention', () => {
    test('the job deletes events past the organization retention, records audit.retention, and verify still passes', async () => {
      const job = h.server.app.get(AuditRetentionJob);
      await job.stop(); // no scheduled run may delete this test's old events before runOnce does
      const g = await createTenant(h.prisma);
      secrets.push(g.token);
      await owner.query('UPDATE organizations SET audit_retention_days = 7 WHERE id = $1', [g.orgId]);
      const day = 86_400_000;
      for (const age of [30, 20, 8, 3, 0]) await audit.record({ orgId: g.orgId, actor: { kind: 'system', id: null, label: 'test' }, action: 'test.retention', occurredAt: new Date(Date.now() - age * day) });
      const untouched = (await owner.query<{ n: string }>('SELECT count(*) AS n FROM audit_events WHERE org_id = $1', [a.orgId])).rows[0]!.n;
      const deleted = await job.runOnce(g.orgId);
      assert.deepEqual([...deleted], [[g.orgId, 3]]);
      const left = await events(g.token);
      assert.deepEqual(left.map((e) => [e.seq, e.action]), [[6, 'audit.retention'], [5, 'test.retention'], [4, 'test.retention']]);
      assert.deepEqual(left[0]?.metadata, { deleted: 3 });
      const v = await h.gql<VerifyResult>(g.token, VERIFY);
      assert.deepEqual(v.data?.auditLogVerify, { ok: true, eventsChecked: 3, firstBrokenSeq: null, reason: null });
      assert.equal((await owner.query<{ n: string }>('SELECT count(*) AS n FROM audit_events WHERE org_id = $1', [a.orgId])).rows[0]!.n, untouched);
    });
  });

  test('concurrent records through AuditLog keep one unbroken chain', async () => {
    const k = await createTenant(h.prisma);
    secrets.push(k.token);
    const stored = await Promise.all(Array.from({ length: 20 }, (_, i) => audit.record({ orgId: k.orgId, actor: { kind: 'system', id: null, label: 'test' }, action: 'test.concurrent', metadata: { i } })));
    assert.deepEqual(stored.map((r) => r.seq).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
    const v = await h.gql<VerifyResult>(k.token, VERIFY);
    assert.deepEqual(v.data?.auditLogVerify, { ok: true, eventsChecked: 20, firstBrokenSeq: null, reason: null });
  });

  test('redaction covers secret keys and token-shaped values, and keeps ids and names', () => {
    const token = mintToken('agent').value;
    assert.deepEqual(redactSecrets({ password: 'x', clientSecret: 'y', apiKey: 'z', tokenId: 't-1', tokenName: 'ci', note: token, auth: 'Bearer abc', list: [token, 'ok'] }), {
      password: REDACTED, clientSecret: REDACTED, apiKey: REDACTED, tokenId: 't-1', tokenName: 'ci', note: REDACTED, auth: REDACTED, list: [REDACTED, 'ok'],
    });
  });

  // Runs last: every token minted above (used as bearer credentials, passed as a mutation argument, revoked and rejected) is checked.
  test('no token value created in this file appears in any audit row', async () => {
    const { rows } = await owner.query<{ row: string }>('SELECT row_to_json(e)::text AS row FROM audit_events e');
    assert.ok(rows.length > 30, `the audit log was exercised (${rows.length} rows)`);
    assert.ok(secrets.length >= 10);
    for (const secret of secrets) {
      assert.ok(!rows.some((r) => r.row.includes(secret)), 'a minted token value reached the audit log');
      assert.ok(!rows.some((r) => r.row.includes(secret.slice(20))), 'part of a token secret reached the audit log');
    }
  });
});
