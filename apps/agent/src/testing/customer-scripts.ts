/**
 * Helpers for tests that run real customer processes: a temp folder with a
 * small Node script and a matching gantry.yaml / CodeLocationDefinition.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CodeLocationDefinition } from '@gantry/code-location';

/**
 * Prelude of every test script: decodes the Pipes params like dagster_pipes
 * does (base64 → zlib → JSON) and offers `send(method, params)` and `raw(line)`
 * to append to the messages file, and `ctx` (the context JSON).
 */
export const PIPES_PRELUDE = `
import { appendFileSync, readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
const decode = (v) => JSON.parse(inflateSync(Buffer.from(v, 'base64')).toString('utf8'));
const messagesPath = decode(process.env.DAGSTER_PIPES_MESSAGES).path;
const ctx = JSON.parse(readFileSync(decode(process.env.DAGSTER_PIPES_CONTEXT).path, 'utf8'));
const raw = (line) => appendFileSync(messagesPath, line + '\\n');
const send = (method, params = {}) => raw(JSON.stringify({ __dagster_pipes_version: '0.1', method, params }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
`;

/** A temp folder holding `script.mjs` (prelude + body) and `gantry.yaml` for it. */
export interface ScriptLocation {
  dir: string;
  yamlPath: string;
  definition: CodeLocationDefinition;
}

/** Writes a code location whose command runs `body` (after {@link PIPES_PRELUDE}) with node. */
export function scriptLocation(body: string, options: { name?: string; assets?: string[]; timeoutSeconds?: number } = {}): ScriptLocation {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-agent-loc-'));
  writeFileSync(path.join(dir, 'script.mjs'), `${PIPES_PRELUDE}\n${body}\n`);
  const name = options.name ?? 'scripted';
  const assets = options.assets ?? ['demo/a', 'demo/b'];
  const timeoutSeconds = options.timeoutSeconds ?? 60;
  const yaml = [
    `name: ${name}`,
    'deployment: prod',
    `command: ["${process.execPath}", "script.mjs"]`,
    `timeoutSeconds: ${timeoutSeconds}`,
    'assets:',
    ...assets.map((a) => `  - key: ${a}`),
    '',
  ].join('\n');
  const yamlPath = path.join(dir, 'gantry.yaml');
  writeFileSync(yamlPath, yaml);
  const definition: CodeLocationDefinition = {
    name,
    deployment: 'prod',
    command: [process.execPath, 'script.mjs'],
    workingDirectory: dir,
    env: {},
    timeoutSeconds,
    assets: assets.map((key) => ({ keyPath: key.split('/'), key, group: 'default', owners: [], kinds: [], tags: {}, deps: [], checks: [] })),
  };
  return { dir, yamlPath, definition };
}
