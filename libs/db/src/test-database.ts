import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Name of the migrated template database that `scripts/test.ts` prepares. */
export const TEST_TEMPLATE_DATABASE = 'gantry_test_template';

/** A throwaway database for one test file, cloned from the migrated template. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database from the migrated template on the server named by
 * `GANTRY_TEST_SERVER_URL` (set by `npm test`). Errors: throws when the variable
 * is missing, i.e. the test was not started through `npm test`.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env['GANTRY_TEST_SERVER_URL'];
  if (!serverUrl) throw new Error('GANTRY_TEST_SERVER_URL is not set: run tests through `npm test`');
  const name = `gantry_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEST_TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
