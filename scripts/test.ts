/**
 * `npm test`: every test of the workspace, on real PostgreSQL.
 *
 * Starts an embedded PostgreSQL (unless DATABASE_URL names a server), migrates a
 * template database once, builds the pinned helm when chart tests are selected
 * and it is not cached yet (scripts/ensure-helm.ts), then runs Node's test
 * runner over every `*.spec.ts` and `*.test.ts`. Each test file clones its own
 * database from the template (`createTestDatabase()` in @gantry/db). Exit code:
 * the runner's.
 *
 * When a selected test file imports `@gantry/keycloak-testing`, one real
 * Keycloak is started for the whole run (in parallel with PostgreSQL; fetched
 * from Maven Central on first use) and handed to the test processes through
 * GANTRY_TEST_KEYCLOAK_URL and the admin credentials; each file imports its
 * own realm. No such file selected: no Keycloak.
 */
import { spawn } from 'node:child_process';
import { KEYCLOAK_TESTING_MODULE, keycloakTestEnv, startKeycloak, type RunningKeycloak } from '@gantry/keycloak-testing';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateDatabase, startEmbeddedPostgres, TEST_APP_ROLE, TEST_TEMPLATE_DATABASE, type RunningPostgres } from '@gantry/db';
import { ensureChromium } from '@gantry/browser-testing';
import { ensureHelm } from './ensure-helm';
import { checkLogsForSecrets, prepareTestLogDir } from './test-logs';

const root = path.resolve(import.meta.dirname, '..');
const SEARCH = ['apps', 'libs', 'tests', 'examples'];

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(full, out);
    else if (/\.(spec|test)\.ts$/.test(entry.name)) out.push(path.relative(root, full));
  }
  return out;
}

const filter = process.argv.slice(2);
const files = SEARCH.flatMap((d) => findTests(path.join(root, d))).filter((f) => filter.length === 0 || filter.some((x) => f.includes(x))).sort();

const needsKeycloak = files.some((f) => readFileSync(path.join(root, f), 'utf8').includes(KEYCLOAK_TESTING_MODULE));
let keycloakStarted: Promise<RunningKeycloak> | undefined;
if (needsKeycloak) {
  console.log('[test-setup] starting Keycloak (a selected test file imports @gantry/keycloak-testing)');
  keycloakStarted = startKeycloak({ log: (l) => console.log(`[test-setup] keycloak: ${l}`) });
  // Reported where it is awaited; this only keeps an early failure from being unhandled meanwhile.
  keycloakStarted.catch(() => undefined);
}

// The chart tests run a real helm. On a fresh machine it is built from source
// first (minutes), here rather than inside a test, whose timeout it would exceed.
if (files.some((f) => f.startsWith('tests/deploy/'))) ensureHelm((line) => console.log(`[test-setup] ${line}`));
// The browser tests drive Debian's Chromium (Playwright cannot download one here); a fresh machine installs it once.
if (files.some((f) => f.startsWith('tests/browser/'))) ensureChromium((line) => console.log(`[test-setup] ${line}`));

let embedded: RunningPostgres | undefined;
let dataDir: string | undefined;
let serverUrl: string;
if (process.env['DATABASE_URL']) {
  const u = new URL(process.env['DATABASE_URL']);
  u.pathname = '/postgres';
  serverUrl = u.toString();
} else {
  // A fresh cluster per invocation: parallel `npm test` runs never share one.
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-test-pg-'));
  embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
  serverUrl = embedded.urlFor('postgres');
}

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
const stale = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'gantry_t_%' OR datname = $1", [TEST_TEMPLATE_DATABASE]);
for (const { datname } of stale.rows) {
  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(datname)} WITH IS_TEMPLATE false`);
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
}
await admin.query(`CREATE DATABASE ${TEST_TEMPLATE_DATABASE}`);
const templateUrl = new URL(serverUrl);
templateUrl.pathname = `/${TEST_TEMPLATE_DATABASE}`;
await migrateDatabase({ databaseUrl: templateUrl.toString(), appRole: TEST_APP_ROLE.name, log: (l) => console.log(`[test-setup] ${l}`) });
await admin.query(`ALTER ROLE ${TEST_APP_ROLE.name} PASSWORD '${TEST_APP_ROLE.password}'`);
await admin.query(`ALTER DATABASE ${TEST_TEMPLATE_DATABASE} WITH IS_TEMPLATE true`);
await admin.end();

let keycloak: RunningKeycloak | undefined;
if (keycloakStarted) {
  try {
    keycloak = await keycloakStarted;
  } catch (error) {
    console.error('[test-setup] Keycloak did not start:', error);
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(1);
  }
  console.log(`[test-setup] Keycloak ready at ${keycloak.url} in ${(keycloak.startupMs / 1000).toFixed(1)} s`);
}

console.log(`[test-setup] running ${files.length} test file(s)`);
// Service logs of the whole run are kept in test-results/logs/<run> and checked for registered secrets after it.
const logDir = prepareTestLogDir(root);
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./scripts/test-log-reporter.mjs', `--test-reporter-destination=${os.devNull}`];
let code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...reporters, ...files],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, GANTRY_TEST_SERVER_URL: serverUrl, GANTRY_TEST_LOG_DIR: logDir, NODE_ENV: 'test', ...(keycloak ? keycloakTestEnv(keycloak) : {}) },
    },
  );
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
await keycloak?.stop();
if (!checkLogsForSecrets(root, logDir) && code === 0) code = 1;
await embedded?.stop();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
