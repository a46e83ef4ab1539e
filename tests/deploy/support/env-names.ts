import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helm';

const ENV_READ = /(?:\benv|process\.env)\[['"]([A-Z][A-Z0-9_]*)['"]\]|process\.env\.([A-Z][A-Z0-9_]*)|\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g;

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing' && entry.name !== 'generated') sources(full, out);
    } else if (entry.name.endsWith('.ts') && !/\.(spec|test)\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * Names of the environment variables the production sources under `dirs`
 * (relative to the repository root) read, as `env['X']`, `process.env['X']`,
 * `process.env.X` or a reader call `fn(env, 'X', …)`. Tests and test helpers are left out.
 */
export function envNamesRead(dirs: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of dirs.flatMap((d) => sources(path.join(ROOT, d)))) {
    for (const m of readFileSync(file, 'utf8').matchAll(ENV_READ)) names.add((m[1] ?? m[2] ?? m[3])!);
  }
  return names;
}

/**
 * Agent variables other engineers are adding in parallel under issue 4 (names
 * agreed up front). Once their branches are merged the agent reads them and
 * this list can be emptied; until then the charts may set them.
 */
export const ANNOUNCED_AGENT_ENV = [
  'GANTRY_AGENT_LAUNCHER',
  'GANTRY_AGENT_QUEUES',
  'GANTRY_K8S_NAMESPACE',
  'GANTRY_K8S_RUN_DEFAULTS',
  'GANTRY_ECS_CLUSTER',
  'GANTRY_ECS_RUN_DEFAULTS',
  'GANTRY_AGENT_PRICES',
];

/** Control-plane variables being added in parallel under issue 4 (see {@link ANNOUNCED_AGENT_ENV}). */
export const ANNOUNCED_CONTROL_PLANE_ENV = ['GANTRY_OIDC_ISSUER', 'GANTRY_OIDC_AUDIENCE', 'GANTRY_CONSOLE_ORIGIN'];
