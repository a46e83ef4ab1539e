import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findSecrets, registerTestSecret, registeredSecrets, scanLogDirForSecrets } from './test-secrets';
import { SECRETS_FILE, TEST_LOG_DIR_ENV } from './test-log-dir';

test('findSecrets reports file, line, label and registrant, never the secret', () => {
  const secrets = [{ label: 'API token', by: 'a.spec.ts', secret: 'gantry_api_s3cr3t-value' }];
  const logs = new Map([
    ['a.log', '{"msg":"ok"}\n{"msg":"auth with gantry_api_s3cr3t-value failed"}\n'],
    ['b.log', '{"msg":"[redacted]"}\n'],
  ]);
  const findings = findSecrets(logs, secrets);
  assert.deepEqual(findings, [{ file: 'a.log', line: 2, label: 'API token', by: 'a.spec.ts' }]);
  assert.doesNotMatch(JSON.stringify(findings), /s3cr3t/);
});

test('registered secrets land in the log folder and the scan finds them in any log file there', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-test-logs-'));
  const previous = process.env[TEST_LOG_DIR_ENV];
  process.env[TEST_LOG_DIR_ENV] = dir;
  try {
    registerTestSecret('database-password-0123', 'database password');
    assert.throws(() => registerTestSecret('short', 'API token'), /shorter than/);
  } finally {
    if (previous === undefined) delete process.env[TEST_LOG_DIR_ENV];
    else process.env[TEST_LOG_DIR_ENV] = previous;
  }
  assert.deepEqual(registeredSecrets(dir).map((s) => s.label), ['database password']);
  writeFileSync(path.join(dir, 'clean.log'), 'nothing here\n');
  assert.deepEqual(scanLogDirForSecrets(dir), { findings: [], secrets: 1, files: 1 });
  writeFileSync(path.join(dir, 'leaky.log'), 'a\nb\npostgres://app:database-password-0123@host/db\n');
  const { findings } = scanLogDirForSecrets(dir);
  assert.deepEqual(findings.map((f) => `${f.file}:${f.line} ${f.label}`), ['leaky.log:3 database password']);
  assert.ok(!findings.some((f) => f.file === SECRETS_FILE), 'the secrets file itself is not a log');
});
