import path from 'node:path';

/** Environment variable through which `npm test` names the folder that keeps the run's service logs. */
export const TEST_LOG_DIR_ENV = 'GANTRY_TEST_LOG_DIR';

/** Name of the file, inside the log folder, where tests register the secrets they used (one JSON object a line). */
export const SECRETS_FILE = 'registered-secrets.ndjson';

/** The folder keeping this `npm test` run's service logs, or undefined outside `npm test`. */
export function testLogDir(): string | undefined {
  const dir = process.env[TEST_LOG_DIR_ENV];
  return dir ? path.resolve(dir) : undefined;
}

/**
 * A log file in the folder for one service of one test, e.g.
 * `testLogFile('secrets-in-logs.control-plane')` → `<dir>/secrets-in-logs.control-plane.log`;
 * undefined outside `npm test`.
 */
export function testLogFile(name: string): string | undefined {
  const dir = testLogDir();
  return dir ? path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.log`) : undefined;
}
