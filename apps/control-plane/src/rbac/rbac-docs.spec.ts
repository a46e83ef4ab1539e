/**
 * docs/rbac.md is generated from the permission table. `UPDATE_DOCS=1 npm test
 * -- rbac-docs` rewrites it; otherwise a difference fails the test.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PERMISSIONS } from './permissions';
import { RBAC_DOC_PATH, renderPermissionsDoc } from './permissions-doc';
import { ROLES } from './roles';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const DOC = path.join(ROOT, RBAC_DOC_PATH);

test('docs/rbac.md matches the permission table (UPDATE_DOCS=1 regenerates it)', (t) => {
  const expected = renderPermissionsDoc(PERMISSIONS);
  if (process.env['UPDATE_DOCS'] === '1') {
    writeFileSync(DOC, expected);
    t.diagnostic(`wrote ${RBAC_DOC_PATH}`);
  }
  let actual = '';
  try {
    actual = readFileSync(DOC, 'utf8');
  } catch {
    assert.fail(`${RBAC_DOC_PATH} is missing: run UPDATE_DOCS=1 npm test -- rbac-docs`);
  }
  assert.equal(actual, expected, `${RBAC_DOC_PATH} is out of date: run UPDATE_DOCS=1 npm test -- rbac-docs`);
});

test('the generated page has one row per operation, with its role, scope and summary', () => {
  const doc = renderPermissionsDoc(PERMISSIONS);
  const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
  assert.equal(rows.length, Object.keys(PERMISSIONS).length);
  assert.ok(rows.includes('| `launchRun` | mutation | LAUNCHER | deployment or code location | queue a run of assets |'), 'launchRun row');
  assert.ok(rows.includes('| `serverInfo` | query | — | public | server version and limits |'), 'a public query has no role');
  assert.ok(rows.includes('| `Session` | agent RPC | — | agent | an agent pulls runs and streams events |'), 'agent RPC row');
  for (const role of ROLES) assert.match(doc, new RegExp(`\\(\`${role}\`\\)`), `role ${role} explained`);
  for (const scope of new Set(Object.values(PERMISSIONS).map((p) => p.scope))) assert.match(doc, new RegExp(`^- \`${scope}\`: `, 'm'), `scope ${scope} explained`);
});

test('a summary with a pipe cannot break the table', () => {
  const doc = renderPermissionsDoc({ 'Query.x': { role: 'ADMIN', scope: 'organization', summary: 'a | b' } });
  assert.ok(doc.includes('| `x` | query | ADMIN | organization | a \\| b |'));
});
