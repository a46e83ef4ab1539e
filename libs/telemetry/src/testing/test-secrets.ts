import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SECRETS_FILE, testLogDir } from './test-log-dir';

/** A secret a test registered: what it is, and which test file used it. */
export interface RegisteredSecret {
  /** What the secret is, e.g. `API token`, `database password`. */
  label: string;
  /** Test file (path relative to the working directory) that registered it. */
  by: string;
  secret: string;
}

/** A registered secret found in a kept log: where, never the secret itself. */
export interface SecretFinding {
  /** Log file, relative to the log folder. */
  file: string;
  /** 1-based line number. */
  line: number;
  label: string;
  by: string;
}

/** Secrets shorter than this are refused: too likely to match by chance. */
export const MIN_SECRET_LENGTH = 8;

/**
 * Registers a secret this test created or used (token, password, client
 * secret), so that the final step of `npm test` fails if it appears in any
 * service log of the run. No-op outside `npm test`. The secret is written in
 * clear to the log folder (test-results/logs, git-ignored): register only
 * secrets created for the test.
 */
export function registerTestSecret(secret: string, label: string): void {
  const dir = testLogDir();
  if (!dir) return;
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`refusing to register a ${label} shorter than ${MIN_SECRET_LENGTH} characters`);
  const by = path.relative(process.cwd(), process.argv[1] ?? 'unknown');
  appendFileSync(path.join(dir, SECRETS_FILE), `${JSON.stringify({ label, by, secret } satisfies RegisteredSecret)}\n`);
}

/** The secrets registered in `dir` so far. */
export function registeredSecrets(dir: string): RegisteredSecret[] {
  const file = path.join(dir, SECRETS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RegisteredSecret);
}

/**
 * Every line of `logs` (text by name) containing one of `secrets`: file and
 * line number, and which secret by label, never its value.
 */
export function findSecrets(logs: ReadonlyMap<string, string>, secrets: readonly RegisteredSecret[]): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const [file, text] of logs) {
    const lines = text.split('\n');
    lines.forEach((content, i) => {
      for (const s of secrets) if (content.includes(s.secret)) findings.push({ file, line: i + 1, label: s.label, by: s.by });
    });
  }
  return findings;
}

/** Scans every log file of `dir` (all files but the secrets file) for the secrets registered there. */
export function scanLogDirForSecrets(dir: string): { findings: SecretFinding[]; secrets: number; files: number } {
  const secrets = registeredSecrets(dir);
  const logs = new Map<string, string>();
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (name === SECRETS_FILE) continue;
    logs.set(name, readFileSync(path.join(dir, name), 'utf8'));
  }
  return { findings: findSecrets(logs, secrets), secrets: secrets.length, files: logs.size };
}
