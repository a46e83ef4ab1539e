#!/usr/bin/env node
// Builds the console (apps/console): GraphQL Code Generator writes the typed
// documents from the control plane's schema, then Vite bundles into
// apps/console/dist, which the control plane serves at `/`.
// `--if-stale` skips both when nothing they read changed since the last build.
// Plain .mjs: ensure-install runs it before tsx is needed.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const consoleDir = path.join(root, 'apps/console');
const stampFile = path.join(root, '.gantry/console.stamp');

/** Every input of the build, in a stable order: the console's sources and configs, the schema, the lock file. */
function inputs() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (name === 'dist' || name === 'gql' || name === 'node_modules') continue;
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(consoleDir);
  out.push(path.join(root, 'apps/control-plane/schema.graphql'), path.join(root, 'package-lock.json'));
  return out;
}

const hash = createHash('sha256');
for (const file of inputs()) hash.update(path.relative(root, file)).update(readFileSync(file));
const digest = hash.digest('hex');
const built = existsSync(path.join(consoleDir, 'dist/index.html')) && existsSync(path.join(consoleDir, 'src/gql/index.ts'));
if (process.argv.includes('--if-stale') && built && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest) process.exit(0);

const bin = (name) => path.join(root, 'node_modules/.bin', name);
console.log('gantry: building the console…');
execFileSync(bin('graphql-codegen'), ['--config', 'apps/console/codegen.ts', '--silent'], { cwd: root, stdio: 'inherit' });
execFileSync(bin('vite'), ['build', '--config', 'apps/console/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
mkdirSync(path.dirname(stampFile), { recursive: true });
writeFileSync(stampFile, digest);
