import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@gantry/db';
import { loadControlPlaneConfig } from '../config/control-plane.config';
import { startControlPlane, type RunningControlPlane } from '../server';

let db: TestDatabase;
let cp: RunningControlPlane;

/** Runs SQL as the server's superuser on the maintenance database. */
async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: process.env['GANTRY_TEST_SERVER_URL'] });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

before(async () => {
  db = await createTestDatabase();
  cp = await startControlPlane(loadControlPlaneConfig({}, { databaseUrl: db.appUrl, httpPort: 0, grpcPort: 0, logLevel: 'fatal' }));
});

after(async () => {
  await admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
  await cp.close();
  await db.drop();
});

test('/readyz is 200 only while the database answers; /healthz stays 200', async () => {
  assert.equal((await fetch(`${cp.httpUrl}/readyz`)).status, 200);

  // Cut the database off: refuse new connections and end the existing ones.
  await admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
  await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
  const down = await fetch(`${cp.httpUrl}/readyz`);
  assert.equal(down.status, 503);
  assert.deepEqual(await down.json(), { status: 'unavailable', reason: 'database not reachable' });
  assert.equal((await fetch(`${cp.httpUrl}/healthz`)).status, 200, 'liveness does not depend on the database');

  await admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
  let status = 0;
  for (let i = 0; i < 20 && status !== 200; i++) {
    status = (await fetch(`${cp.httpUrl}/readyz`)).status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status, 200, 'ready again once the database is back');
});
