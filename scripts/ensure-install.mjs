#!/usr/bin/env node
// Makes a fresh clone runnable: installs npm packages when node_modules is
// missing or stale, generates the Prisma client (on Prisma's WebAssembly
// generator; see TOOLCHAIN.md), and prepares the Python venv with the upstream
// `dagster-pipes` package for the Python example and interop tests, plus the
// Python test tools (moto, cfn-lint).
// Idempotent and quick when nothing changed. Plain .mjs: it runs before tsx exists.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = (file) => createHash('sha256').update(readFileSync(path.join(root, file))).digest('hex');
const run = (cmd, args, env = {}) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });

const stateDir = path.join(root, '.gantry');
mkdirSync(stateDir, { recursive: true });
const marker = (name) => path.join(stateDir, `${name}.stamp`);
const fresh = (name, hash) => existsSync(marker(name)) && readFileSync(marker(name), 'utf8') === hash;

const lockHash = stamp('package-lock.json');
if (!existsSync(path.join(root, 'node_modules')) || !fresh('npm', lockHash)) {
  // npm ci refuses this lock file (npm 11 drops the other platforms' optional
  // DuckDB bindings from it), so install from the lock with npm install.
  console.log('gantry: installing npm packages…');
  run('npm', ['install', '--no-audit', '--no-fund']);
  writeFileSync(marker('npm'), lockHash);
}

const schemaHash = stamp('prisma/schema.prisma');
if (!existsSync(path.join(root, 'libs/db/src/generated/prisma/client.ts')) || !fresh('prisma', schemaHash)) {
  console.log('gantry: generating the Prisma client…');
  // The generator runs on WebAssembly; pointing the engine variable at any
  // existing file stops the CLI from downloading a native engine it does not need.
  run('npx', ['--no-install', 'prisma', 'generate'], { PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, 'package.json'), PRISMA_HIDE_UPDATE_MESSAGE: '1' });
  writeFileSync(marker('prisma'), schemaHash);
}

const pyFiles = ['examples/python-weather/requirements.txt', 'scripts/requirements-dev.txt'];
const pyReq = pyFiles.map(stamp).join(':');
const venv = path.join(stateDir, 'venv');
if (!existsSync(path.join(venv, 'bin/python')) || !fresh('python', pyReq)) {
  console.log('gantry: preparing the Python venv (dagster-pipes, moto, cfn-lint)…');
  run('python3', ['-m', 'venv', venv]);
  run(path.join(venv, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', ...pyFiles.flatMap((f) => ['-r', f])]);
  writeFileSync(marker('python'), pyReq);
}

// The console: generated GraphQL types and the Vite build the control plane serves.
run('node', [path.join(root, 'scripts/build-console.mjs'), '--if-stale']);
