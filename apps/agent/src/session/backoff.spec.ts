import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from './backoff';

test('backoff: first retry within 100–200 ms, grows exponentially, capped at 5 s, reset starts over', () => {
  const low = new Backoff({ random: () => 0 });
  assert.deepEqual(Array.from({ length: 8 }, () => low.next()), [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  const high = new Backoff({ random: () => 0.999 });
  const first = high.next();
  assert.ok(first >= 100 && first <= 200, `first retry ${first}`);
  for (let i = 0; i < 20; i++) assert.ok(high.next() <= 5000);
  high.reset();
  assert.ok(high.next() <= 200);
});
