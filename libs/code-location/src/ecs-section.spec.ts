import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeLocationFileSchema, definitionDigest, InvalidCodeLocationError, normalizeDefinition, parseCodeLocation } from './index';

const BASE = ['name: flights', 'command: ["node", "pipeline.ts"]', 'assets:', '  - key: flights/raw'].join('\n');

test('the ecs: section of gantry.yaml is parsed into the definition and survives the reported JSON', () => {
  const def = parseCodeLocation(
    `${BASE}\necs:\n  image: registry.example.com/flights:1.4.2\n  cpu: 512\n  memory: 1024\n  subnets: [subnet-a, subnet-b]\n  assignPublicIp: false\n  launchType: FARGATE\n`,
    '/srv/flights/gantry.yaml',
  );
  assert.deepEqual(def.ecs, { image: 'registry.example.com/flights:1.4.2', cpu: 512, memory: 1024, subnets: ['subnet-a', 'subnet-b'], assignPublicIp: false, launchType: 'FARGATE' });
  // The control plane re-parses the agent's JSON with the file schema (reported-code-location.ts).
  const again = normalizeDefinition(codeLocationFileSchema.parse(JSON.parse(JSON.stringify(def))), def.workingDirectory);
  assert.equal(definitionDigest(again), definitionDigest(def));
});

test('a definition without ecs: has no ecs key, so its digest is what it was before the section existed', () => {
  const def = parseCodeLocation(BASE, '/srv/flights/gantry.yaml');
  assert.equal('ecs' in def, false);
});

test('unknown or ill-typed ecs fields are named', () => {
  assert.throws(
    () => parseCodeLocation(`${BASE}\necs:\n  image: x\n  subnet: [a]\n  cpu: lots\n  launchType: LAMBDA\n`, 'gantry.yaml'),
    (e: unknown) => e instanceof InvalidCodeLocationError && /ecs\.cpu: /.test(e.message) && /ecs\.launchType: /.test(e.message) && /ecs: Unrecognized key: "subnet"/.test(e.message),
  );
});
