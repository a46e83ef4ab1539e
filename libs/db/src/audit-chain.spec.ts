import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  AUDIT_GENESIS_HASH,
  appendAuditEvent,
  canonicalJson,
  computeAuditHash,
  InvalidAuditEventError,
  normalizeAuditJson,
  pgExecutor,
  verifyAuditChain,
  type AuditEventInput,
} from './audit-chain';
import { migrateDatabase } from './migrate';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('audit chain: serialization (small)', () => {
  test('canonical JSON sorts keys at every depth and keeps array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  test('the hash is SHA-256 over the canonical JSON of every column but hash (documented vector)', () => {
    const r = {
      id: '00000000-0000-4000-8000-000000000001', orgId: '00000000-0000-4000-8000-0000000000aa', seq: 1,
      occurredAt: new Date('2026-11-23T12:00:00.000Z'), actorKind: 'system' as const, actorId: null, actorLabel: 'test',
      action: 'audit.test', targetType: null, targetId: null, outcome: 'success' as const, before: null, after: { n: 1 }, metadata: {},
      sourceIp: null, userAgent: null, prevHash: AUDIT_GENESIS_HASH,
    };
    const doc =
      '{"action":"audit.test","actor_id":null,"actor_kind":"system","actor_label":"test","after":{"n":1},"before":null,' +
      '"id":"00000000-0000-4000-8000-000000000001","metadata":{},"occurred_at":"2026-11-23T12:00:00.000Z",' +
      '"org_id":"00000000-0000-4000-8000-0000000000aa","outcome":"success","prev_hash":"' + AUDIT_GENESIS_HASH + '",' +
      '"seq":1,"source_ip":null,"target_id":null,"target_type":null,"user_agent":null}';
    assert.equal(computeAuditHash(r), createHash('sha256').update(doc, 'utf8').digest('hex'));
  });

  test('normalization makes values PostgreSQL can store and give back unchanged', () => {
    assert.deepEqual(normalizeAuditJson({ a: undefined, b: new Date('2026-01-01T00:00:00Z'), c: 10n, d: NaN, e: 'x\u0000y', f: '\uD800', g: [undefined] }), {
      b: '2026-01-01T00:00:00.000Z', c: '10', d: null, e: 'xy', f: '\uFFFD', g: [null],
    });
  });
});

describe('audit chain on PostgreSQL', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const orgA = randomUUID();
  const orgB = randomUUID();

  /** Appends in a transaction of its own, as the owner. */
  async function append(input: Partial<AuditEventInput> & { orgId: string }): Promise<number> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const r = await appendAuditEvent(pgExecutor(c), { actor: { kind: 'system', id: null, label: 'test' }, action: 'test.event', ...input });
      await c.query('COMMIT');
      return r.seq;
    } catch (error) {
      await c.query('ROLLBACK');
      throw error;
    } finally {
      c.release();
    }
  }
  const verify = (orgId: string) => verifyAuditChain(pgExecutor(pool), orgId, { batchSize: 3 });

  before(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 12 });
    // An idle client the server closes (seen once in CI: "terminating connection due to administrator command")
    // emits 'error' on the pool; unhandled, it kills the file after its tests passed. Queries in use still fail and fail their test.
    pool.on('error', (error) => console.warn(`audit-chain.spec: idle connection closed: ${error.message}`));
    for (const [id, slug] of [[orgA, 'a'], [orgB, 'b']] as const) {
      await pool.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $2)', [id, `${slug}-${id.slice(0, 8)}`]);
    }
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('bad input is refused with the field named, and nothing is written', async () => {
    const cases: [Partial<AuditEventInput>, RegExp][] = [
      [{ orgId: 'not-a-uuid' }, /orgId must be a UUID/],
      [{ actor: { kind: 'robot' as never, id: 'x', label: null } }, /actor.kind must be one of/],
      [{ actor: { kind: 'user', id: null, label: null } }, /actor.id is required/],
      [{ action: 'Launch' }, /action must be dotted/],
      [{ action: 'run' }, /action must be dotted/],
      [{ action: '' }, /action is required/],
      [{ target: { type: 'x'.repeat(600), id: null } }, /target.type is longer than 512/],
      [{ metadata: [] as never }, /metadata must be a JSON object/],
      [{ outcome: 'maybe' as never }, /outcome must be success or failure/],
      [{ occurredAt: new Date('nope') }, /occurredAt is not a valid date/],
    ];
    for (const [input, message] of cases) {
      await assert.rejects(append({ orgId: orgB, ...input }), (e: unknown) => e instanceof InvalidAuditEventError && message.test(e.message), String(message));
    }
    assert.equal((await pool.query('SELECT 1 FROM audit_events WHERE org_id = $1', [orgB])).rowCount, 0);
  });

  test('seq counts 1, 2, … per organization; each event links to the previous hash; verify passes', async () => {
    for (let i = 0; i < 7; i++) await append({ orgId: orgA, after: { i, nested: { b: 'é', a: [1.5, null, true] } }, metadata: { i } });
    await append({ orgId: orgB });
    const { rows } = await pool.query<{ seq: string; prev_hash: string; hash: string }>('SELECT seq, prev_hash, hash FROM audit_events WHERE org_id = $1 ORDER BY seq', [orgA]);
    assert.deepEqual(rows.map((r) => Number(r.seq)), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(rows[0]?.prev_hash, AUDIT_GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]?.prev_hash, rows[i - 1]?.hash);
    assert.deepEqual(await verify(orgA), { ok: true, eventsChecked: 7, firstBrokenSeq: null, reason: null });
    assert.deepEqual(await verify(orgB), { ok: true, eventsChecked: 1, firstBrokenSeq: null, reason: null });
    assert.deepEqual(await verify(randomUUID()), { ok: true, eventsChecked: 0, firstBrokenSeq: null, reason: null });
  });

  test('concurrent appends to one organization never fork the chain', async () => {
    const org = randomUUID();
    await pool.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $2)', [org, `c-${org.slice(0, 8)}`]);
    const seqs = await Promise.all(Array.from({ length: 40 }, (_, i) => append({ orgId: org, metadata: { writer: i } })));
    assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1), 'every writer got its own seq');
    const { rows } = await pool.query<{ n: string; heads: string }>(
      'SELECT count(*) AS n, count(DISTINCT prev_hash) AS heads FROM audit_events WHERE org_id = $1', [org]);
    assert.deepEqual(rows[0], { n: '40', heads: '40' }, 'no two events share a predecessor');
    assert.equal((await verify(org)).ok, true);
  });

  test('an event edited in place is named as the first broken link', async () => {
    const org = randomUUID();
    await pool.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $2)', [org, `e-${org.slice(0, 8)}`]);
    for (let i = 0; i < 6; i++) await append({ orgId: org, after: { role: 'VIEWER' } });
    await pool.query(`UPDATE audit_events SET after = '{"role":"OWNER"}' WHERE org_id = $1 AND seq = 4`, [org]);
    assert.deepEqual(await verify(org), { ok: false, eventsChecked: 4, firstBrokenSeq: 4, reason: 'hash mismatch: the stored event seq 4 was modified after it was written' });
  });

  test('an edit that also recomputes the hash breaks the next link', async () => {
    const org = randomUUID();
    await pool.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $2)', [org, `r-${org.slice(0, 8)}`]);
    for (let i = 0; i < 5; i++) await append({ orgId: org });
    await pool.query(`UPDATE audit_events SET action = 'test.forged', hash = repeat('a', 64) WHERE org_id = $1 AND seq = 2`, [org]);
    const v = await verify(org);
    assert.equal(v.firstBrokenSeq, 2, 'the forged hash does not match the content');
    assert.equal(v.ok, false);
  });

  test('a deleted middle event is named: the next seq is the first broken link', async () => {
    const org = randomUUID();
    await pool.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $2)', [org, `d-${org.slice(0, 8)}`]);
    for (let i = 0; i < 8; i++) await append({ orgId: org });
    await pool.query('DELETE FROM audit_events WHERE org_id = $1 AND seq = 5', [org]);
    assert.deepEqual(await verify(org), { ok: false, eventsChecked: 5, firstBrokenSeq: 6, reason: 'seq 5 is missing (event deleted): seq 4 is followed by seq 6' });
  });

  test('a first event that does not start from genesis is refused', async () => {
    const org = randomUUID();
    await pool.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $2)', [org, `g-${org.slice(0, 8)}`]);
    await append({ orgId: org });
    await pool.query(`UPDATE audit_events SET prev_hash = repeat('b', 64) WHERE org_id = $1`, [org]);
    assert.deepEqual(await verify(org), { ok: false, eventsChecked: 1, firstBrokenSeq: 1, reason: 'the first event (seq 1) does not start from the genesis hash' });
  });

  describe('as the service role (gantry db migrate --app-role)', () => {
    let app: pg.Pool;
    before(async () => {
      const role = `gantry_audit_${randomUUID().slice(0, 8)}`;
      await migrateDatabase({ databaseUrl: db.url, appRole: role, log: () => undefined });
      await pool.query(`ALTER ROLE ${role} PASSWORD 'pw'`);
      const url = new URL(db.url);
      url.username = role;
      url.password = 'pw';
      app = new pg.Pool({ connectionString: url.toString(), max: 4 });
      app.on('error', (error) => console.warn(`audit-chain.spec: idle service-role connection closed: ${error.message}`));
    });
    after(async () => {
      await app.end();
    });

    /** Runs `fn` as the service role in a transaction with `gantry.org_id` = orgId. */
    async function asApp<T>(orgId: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
      const c = await app.connect();
      try {
        await c.query('BEGIN');
        await c.query("SELECT set_config('gantry.org_id', $1, true)", [orgId]);
        const r = await fn(c);
        await c.query('COMMIT');
        return r;
      } catch (error) {
        await c.query('ROLLBACK');
        throw error;
      } finally {
        c.release();
      }
    }

    test('appends and reads only its own organization (row-level security)', async () => {
      const stored = await asApp(orgB, (c) => appendAuditEvent(pgExecutor(c), { orgId: orgB, actor: { kind: 'system', id: null, label: 'app' }, action: 'test.as_app' }));
      assert.equal(stored.seq, 2, 'continues org B\'s chain');
      const seen = await asApp(orgB, async (c) => (await c.query<{ org_id: string }>('SELECT DISTINCT org_id FROM audit_events')).rows.map((r) => r.org_id));
      assert.deepEqual(seen, [orgB], "org A's events are invisible to org B");
      await assert.rejects(
        asApp(orgB, (c) => appendAuditEvent(pgExecutor(c), { orgId: orgA, actor: { kind: 'system', id: null, label: 'app' }, action: 'test.cross_tenant' })),
        /row-level security/,
      );
      const fresh = new pg.Client({ connectionString: app.options.connectionString });
      await fresh.connect();
      try {
        assert.equal((await fresh.query('SELECT 1 FROM audit_events')).rowCount, 0, 'no organization set: nothing visible');
      } finally {
        await fresh.end();
      }
      assert.equal((await verifyAuditChain(pgExecutor(pool), orgB)).ok, true);
    });

    test('cannot update or delete audit events; retention goes through the SECURITY DEFINER function', async () => {
      await assert.rejects(asApp(orgA, (c) => c.query("UPDATE audit_events SET action = 'x.y'")), /permission denied/);
      await assert.rejects(asApp(orgA, (c) => c.query('DELETE FROM audit_events')), /permission denied/);

      const org = randomUUID();
      await pool.query('INSERT INTO organizations (id, slug, name, audit_retention_days) VALUES ($1, $2, $2, 30)', [org, `ret-${org.slice(0, 8)}`]);
      const day = 86_400_000;
      for (const age of [90, 60, 45, 31, 10, 1]) await append({ orgId: org, occurredAt: new Date(Date.now() - age * day) });
      const { rows } = await app.query<{ org_id: string; deleted: string }>('SELECT * FROM gantry_audit_apply_retention($1)', [org]);
      assert.deepEqual(rows, [{ org_id: org, deleted: '4' }]);
      const left = await pool.query<{ seq: string }>('SELECT seq FROM audit_events WHERE org_id = $1 ORDER BY seq', [org]);
      assert.deepEqual(left.rows.map((r) => Number(r.seq)), [5, 6]);
      assert.deepEqual(await verify(org), { ok: true, eventsChecked: 2, firstBrokenSeq: null, reason: null }, 'seq 5 prev_hash is the anchor');
      assert.equal((await verify(orgA)).eventsChecked, 7, 'other organizations are untouched');
    });

    test('retention keeps the newest event even when it is older than the retention', async () => {
      const org = randomUUID();
      await pool.query('INSERT INTO organizations (id, slug, name, audit_retention_days) VALUES ($1, $2, $2, 1)', [org, `old-${org.slice(0, 8)}`]);
      for (let i = 0; i < 3; i++) await append({ orgId: org, occurredAt: new Date(Date.now() - 10 * 86_400_000) });
      await app.query('SELECT * FROM gantry_audit_apply_retention(NULL)');
      const left = await pool.query<{ seq: string }>('SELECT seq FROM audit_events WHERE org_id = $1', [org]);
      assert.deepEqual(left.rows.map((r) => Number(r.seq)), [3]);
      assert.equal(await append({ orgId: org }), 4, 'the chain continues from the kept head');
      assert.equal((await verify(org)).ok, true);
    });
  });
});
