/**
 * `npm run generate`: regenerates the TypeScript types of the agent protocol
 * (`libs/proto/src/generated`) from `proto/gantry/agent/v1/*.proto` with
 * `@grpc/proto-loader`'s generator, using the same loader options as
 * `libs/proto` (longs as numbers, enums as strings, defaults, oneofs). Exit code: the generator's.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'libs/proto/src/generated');
const files = readdirSync(path.join(root, 'proto/gantry/agent/v1'))
  .filter((f) => f.endsWith('.proto'))
  .map((f) => `proto/gantry/agent/v1/${f}`);
rmSync(outDir, { recursive: true, force: true });
execFileSync(
  path.join(root, 'node_modules/.bin/proto-loader-gen-types'),
  // Paths relative to the repository (they end up in the generated headers); files go first
  // because `-I` takes every argument after it.
  [...files, '--longs=Number', '--enums=String', '--defaults', '--oneofs', '--includeComments', '--grpcLib=@grpc/grpc-js', `--outDir=${outDir}`, '-I', 'proto'],
  { stdio: 'inherit', cwd: root },
);
console.log(`generated ${files.length} protocol file(s) into ${path.relative(root, outDir)}`);
