import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Name of the migrated template database that `scripts/test.ts` prepares. */
export const TEST_TEMPLATE_DATABASE = 'gantry_test_template';

/**
 * The runtime role of the test server (no BYPASSRLS), granted by
 * `migrateDatabase({ appRole })` on the template; its password is set by
 * `scripts/test.ts`. Services under test connect as this role, as in production.
 */
export const TEST_APP_ROLE = { name: 'gantry_app', password: 'gantry-app-test-only' } as const;

/** A throwaway database for one test file, cloned from the migrated template. */
export interface TestDatabase {
  /** Owner connection (superuser): seeds data and inspects rows regardless of row-level security. */
  url: string;
  /** Runtime-role connection ({@link TEST_APP_ROLE}): what the control plane under test uses. */
  appUrl: string;
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
  const appUrl = new URL(url);
  appUrl.username = TEST_APP_ROLE.name;
  appUrl.password = TEST_APP_ROLE.password;
  return {
    url: url.toString(),
    appUrl: appUrl.toString(),
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
