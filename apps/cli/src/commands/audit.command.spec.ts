import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { appendAuditEvent, createTestDatabase, pgExecutor, type TestDatabase } from '@gantry/db';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../main.ts');

/** Runs the real `gantry` CLI in a child process; never throws, returns code and output. */
async function gantry(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('gantry audit verify', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  /** A fresh organization with `n` chained audit events; returns its slug and id. */
  async function orgWithEvents(n: number): Promise<{ slug: string; id: string }> {
    const id = randomUUID();
    const slug = `cli-${id.slice(0, 8)}`;
    await pool.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $2)', [id, slug]);
    const c = await pool.connect();
    try {
      for (let i = 0; i < n; i++) {
        await c.query('BEGIN');
        await appendAuditEvent(pgExecutor(c), { orgId: id, actor: { kind: 'system', id: null, label: 'cli test' }, action: 'test.cli', after: { i } });
        await c.query('COMMIT');
      }
    } finally {
      c.release();
    }
    return { slug, id };
  }

  before(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('an intact chain: exit 0, the summary, or the auditLogVerify shape with --json (DATABASE_URL)', async () => {
    const org = await orgWithEvents(4);
    const text = await gantry(['audit', 'verify', '--org', org.slug], { DATABASE_URL: db.url });
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.trim(), `audit chain of ${org.slug}: ok (4 event(s) checked)`);
    const json = await gantry(['audit', 'verify', '--org', org.slug, '--json', '--database-url', db.url]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { ok: true, eventsChecked: 4, firstBrokenSeq: null, reason: null });
  });

  test('a row edited in the database: exit 1 naming the first broken link', async () => {
    const org = await orgWithEvents(5);
    await pool.query(`UPDATE audit_events SET actor_label = 'someone else' WHERE org_id = $1 AND seq = 2`, [org.id]);
    const r = await gantry(['audit', 'verify', '--org', org.slug, '--json'], { DATABASE_URL: db.url });
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { ok: false, eventsChecked: 2, firstBrokenSeq: 2, reason: 'hash mismatch: the stored event seq 2 was modified after it was written' });
  });

  test('a middle row deleted: exit 1, the summary names the gap', async () => {
    const org = await orgWithEvents(5);
    await pool.query('DELETE FROM audit_events WHERE org_id = $1 AND seq = 3', [org.id]);
    const r = await gantry(['audit', 'verify', '--org', org.slug], { DATABASE_URL: db.url });
    assert.equal(r.code, 1);
    assert.equal(r.stdout.trim(), `audit chain of ${org.slug}: BROKEN at seq 4: seq 3 is missing (event deleted): seq 2 is followed by seq 4 (3 event(s) checked)`);
  });

  test('an unknown organization, a missing --org and a missing database get clear errors', async () => {
    const unknown = await gantry(['audit', 'verify', '--org', 'no-such-org'], { DATABASE_URL: db.url });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no organization with slug "no-such-org"/);
    const noOrg = await gantry(['audit', 'verify'], { DATABASE_URL: db.url });
    assert.equal(noOrg.code, 1);
    assert.match(noOrg.stderr, /required option '--org <slug>' not specified/);
    const noDb = await gantry(['audit', 'verify', '--org', 'x'], { DATABASE_URL: '' });
    assert.equal(noDb.code, 2);
    assert.match(noDb.stderr, /pass --database-url or set DATABASE_URL/);
  });
});
