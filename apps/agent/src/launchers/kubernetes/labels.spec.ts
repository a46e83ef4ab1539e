import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobNameFor, labelSelector, toLabelValue } from './labels';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

test('label values keep valid strings and sanitize others to label syntax, hashing what they shorten', () => {
  assert.equal(toLabelValue('prod'), 'prod');
  assert.equal(toLabelValue('0b9f6c1e-8a47-4e0e-9d4a-3f6b2c1d0e9f'), '0b9f6c1e-8a47-4e0e-9d4a-3f6b2c1d0e9f');
  assert.equal(toLabelValue('team/data platform!'), 'team-data-platform');
  const long = 'x'.repeat(80);
  const a = toLabelValue(long);
  const b = toLabelValue(`${long}y`);
  assert.ok(a.length <= 63 && LABEL_VALUE.test(a));
  assert.notEqual(a, b, 'distinct long values stay distinct');
  for (const v of ['-lead', 'trail_', '__', 'ünïcode', '']) assert.match(toLabelValue(v), LABEL_VALUE);
});

test('Job names are DNS labels of at most 63 characters', () => {
  assert.equal(jobNameFor('0b9f6c1e-8a47-4e0e-9d4a-3f6b2c1d0e9f'), 'gantry-run-0b9f6c1e-8a47-4e0e-9d4a-3f6b2c1d0e9f');
  for (const id of ['Run_1.A', 'y'.repeat(100), 'a--', 'UPPER']) {
    const name = jobNameFor(id);
    assert.ok(name.length <= 63, name);
    assert.match(name, DNS_LABEL);
  }
  assert.notEqual(jobNameFor('Run_1'), jobNameFor('run-1'), 'sanitized names carry a hash of the original id');
  assert.equal(labelSelector({ a: 'b', 'gantry.dev/agent': 'x' }), 'a=b,gantry.dev/agent=x');
});
