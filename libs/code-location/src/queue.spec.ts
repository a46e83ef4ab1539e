import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeLocationFileSchema, definitionDigest, InvalidCodeLocationError, normalizeDefinition, parseCodeLocation } from './index';

const BASE = ['name: flights', 'command: ["node", "pipeline.ts"]', 'assets:', '  - key: flights/raw'].join('\n');

test('queue: in gantry.yaml names the agent queue and survives the reported JSON', () => {
  const def = parseCodeLocation(`${BASE}\nqueue: gpu\n`, '/srv/flights/gantry.yaml');
  assert.equal(def.queue, 'gpu');
  const again = normalizeDefinition(codeLocationFileSchema.parse(JSON.parse(JSON.stringify(def))), def.workingDirectory);
  assert.equal(again.queue, 'gpu');
  assert.equal(definitionDigest(again), definitionDigest(def));
});

test('no queue (or queue: default) keeps the definition, and its digest, as it was before queues existed', () => {
  const plain = parseCodeLocation(BASE, '/srv/flights/gantry.yaml');
  const explicit = parseCodeLocation(`${BASE}\nqueue: default\n`, '/srv/flights/gantry.yaml');
  assert.equal('queue' in plain, false);
  assert.equal(definitionDigest(explicit), definitionDigest(plain));
});

test('an invalid queue name is refused', () => {
  assert.throws(() => parseCodeLocation(`${BASE}\nqueue: "gpu queue"\n`, 'gantry.yaml'), (e: unknown) => e instanceof InvalidCodeLocationError && /queue/.test(e.message));
});
