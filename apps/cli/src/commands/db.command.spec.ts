import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@gantry/db';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../main.ts');

/** Runs the real `gantry` CLI in a child process; never throws, returns code and output. */
async function gantry(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult<T>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query<T>(text, values);
  } finally {
    await c.end();
  }
}

describe('gantry db', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  test('migrate on an up-to-date database applies nothing and says so', async () => {
    const r = await gantry(['db', 'migrate', '--database-url', db.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Database is up to date \(\d+ migration\(s\) applied\)/);
    assert.doesNotMatch(r.stdout, /postgres:postgres@/, 'the password is not printed');
  });

  test('migrate without a database names the missing flag and exits 2', async () => {
    const env = { ...process.env } as Record<string, string>;
    delete env['DATABASE_URL'];
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', CLI, 'db', 'migrate'], { env }, (err, _o, stderr) =>
        resolve({ code: (err as { code?: number } | null)?.code ?? 0, stderr }),
      );
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pass --database-url or set DATABASE_URL/);
  });

  test('reset without --yes and without a terminal changes nothing', async () => {
    await sql(db.url, "INSERT INTO organizations (id, slug, name) VALUES (gen_random_uuid(), 'keep-me', 'Keep')");
    const r = await gantry(['db', 'reset', '--database-url', db.url]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Reset canceled: nothing was changed/);
    const { rowCount } = await sql(db.url, "SELECT 1 FROM organizations WHERE slug = 'keep-me'");
    assert.equal(rowCount, 1);
  });

  test('reset --yes drops the data and re-applies every migration, twice in a row', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await gantry(['db', 'reset', '--yes', '--database-url', db.url]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Applied \d+ migration\(s\)/);
    }
    const { rows } = await sql<{ n: string }>(db.url, 'SELECT count(*) AS n FROM organizations');
    assert.equal(rows[0]?.n, '0');
  });

  test('--app-role grants data access only under row-level security: no DDL, no migration table, append-only run_events', async () => {
    const role = `gantry_app_${Math.random().toString(36).slice(2, 8)}`;
    const r1 = await gantry(['db', 'migrate', '--database-url', db.url, '--app-role', role]);
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, new RegExp(`Created role ${role}`));
    const r2 = await gantry(['db', 'migrate', '--database-url', db.url, '--app-role', role]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.doesNotMatch(r2.stdout, /Created role/, 'idempotent: the role is not created twice');

    await sql(db.url, `ALTER ROLE ${role} PASSWORD 'pw'`);
    const appUrl = new URL(db.url);
    appUrl.username = role;
    appUrl.password = 'pw';
    const app = appUrl.toString();

    const { rows: attrs } = await sql<{ rolbypassrls: boolean; rolsuper: boolean }>(db.url, 'SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = $1', [role]);
    assert.deepEqual(attrs[0], { rolbypassrls: false, rolsuper: false });

    const orgId = '3f0c8e5e-2a4b-4c1d-9e7f-0a1b2c3d4e5f';
    const asOrg = (id: string, statement: string) => `BEGIN; SELECT set_config('gantry.org_id', '${id}', true); ${statement}; COMMIT`;
    await sql(app, asOrg(orgId, `INSERT INTO organizations (id, slug, name) VALUES ('${orgId}', 'app-org', 'App')`));
    const visible = async (statement: string) => {
      const results = (await sql(app, statement)) as unknown as Array<{ rowCount: number | null }> | { rowCount: number | null };
      return Array.isArray(results) ? results[2]!.rowCount : results.rowCount;
    };
    assert.equal(await visible(asOrg(orgId, 'SELECT * FROM organizations')), 1, 'its own organization is visible');
    assert.equal(await visible('SELECT * FROM organizations'), 0, 'no organization set: row-level security shows nothing');
    assert.equal(await visible(asOrg('00000000-0000-4000-8000-000000000000', 'SELECT * FROM organizations')), 0, 'another organization set: nothing');
    await assert.rejects(sql(app, 'SELECT * FROM _prisma_migrations'), /permission denied/);
    await assert.rejects(sql(app, 'CREATE TABLE sneaky (id int)'), /permission denied/);
    await assert.rejects(sql(app, 'DELETE FROM run_events'), /permission denied/);
    await assert.rejects(sql(app, 'UPDATE run_events SET seq = 0'), /permission denied/);
  });
});
