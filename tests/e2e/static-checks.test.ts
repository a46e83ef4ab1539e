import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);

async function exec(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

test('the whole workspace typechecks under strict mode', async () => {
  const r = await exec(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  assert.equal(r.code, 0, r.out);
});

test('the console (React, DOM types) typechecks under strict mode against its generated GraphQL types', async () => {
  const r = await exec(bin('tsc'), ['-p', 'apps/console/tsconfig.json', '--noEmit']);
  assert.equal(r.code, 0, r.out);
});

test('lint passes with no warnings, Nx module boundaries enforced', async () => {
  // The boundary rule reads Nx's project graph; compute it first so the rule runs instead of being skipped.
  const graph = await exec(bin('nx'), ['graph', '--file=.nx/graph.json']);
  assert.equal(graph.code, 0, graph.out);
  const r = await exec(bin('eslint'), ['.', '--max-warnings', '0']);
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /No cached ProjectGraph/, 'the module-boundary rule ran');
});
