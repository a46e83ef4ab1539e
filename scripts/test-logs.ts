/**
 * The service logs of one `npm test` run: kept in test-results/logs (the
 * `test-log-reporter.mjs` reporter copies each test file's output there, and
 * tests write further service logs beside it), then checked for every secret
 * the tests registered (`registerTestSecret` from @gantry/telemetry/testing).
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { scanLogDirForSecrets } from '@gantry/telemetry/testing';

/** Runs whose log folders are kept (the newest); older ones are removed when a run starts. */
export const KEPT_RUNS = 5;

/**
 * Creates this run's folder `<root>/test-results/logs/<UTC time>-<pid>` (one
 * per run, so parallel `npm test` runs never mix logs) and removes all but the
 * newest {@link KEPT_RUNS}; returns its absolute path.
 */
export function prepareTestLogDir(root: string): string {
  const base = path.join(root, 'test-results', 'logs');
  const dir = path.join(base, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const runs = readdirSync(base).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - KEPT_RUNS))) rmSync(path.join(base, old), { recursive: true, force: true });
  return dir;
}

/**
 * Greps the kept logs for the registered secrets; prints one line per finding
 * (file and line, what kind of secret and which test registered it; never the
 * secret). Returns false when a secret was found.
 */
export function checkLogsForSecrets(root: string, dir: string): boolean {
  const { findings, secrets, files } = scanLogDirForSecrets(dir);
  const where = path.relative(root, dir);
  for (const f of findings) console.error(`[test-logs] ${where}/${f.file}:${f.line}: contains a secret (${f.label}) registered by ${f.by}`);
  console.log(`[test-logs] ${files} log file(s) kept in ${where}; ${secrets} registered secret(s); ${findings.length} leak(s)`);
  return findings.length === 0;
}
