#!/usr/bin/env node
// Bundles the agent's TypeScript (apps/agent and the libs it imports) into one
// ES module, apps/agent/dist/main.mjs, run with plain `node`: no tsx loader at
// runtime (on Node 20 its loader thread alone costs ~35 MB of resident memory).
// npm packages stay external and are loaded from node_modules. The output sits
// three folders below the root so libs/proto still finds ../../../proto.
// Usage: node deploy/docker/bundle-agent.mjs [repository root]
import path from 'node:path';
import { build } from 'esbuild';

/** Bundles the agent under `root`; resolves to the output file's absolute path. */
export async function bundleAgent(root) {
  const outfile = path.join(root, 'apps/agent/dist/main.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: ['apps/agent/src/main.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: 'tsconfig.json',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await bundleAgent(path.resolve(process.argv[2] ?? '.')));
}
