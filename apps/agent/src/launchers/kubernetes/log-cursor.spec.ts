import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogLineFilter, sinceTimeOf, timestampKey } from './log-cursor';

const line = (ts: string, text: string) => Buffer.from(`${ts} ${text}`);

test('log cursor: timestamps with trimmed fractions order correctly; sinceTime is cut to whole seconds', () => {
  assert.ok(timestampKey('2026-11-23T11:00:00.5Z') > timestampKey('2026-11-23T11:00:00.123456789Z'));
  assert.ok(timestampKey('2026-11-23T11:00:01Z') > timestampKey('2026-11-23T11:00:00.999Z'));
  assert.equal(sinceTimeOf({ since: '2026-11-23T11:00:00.5Z', count: 1 }), '2026-11-23T11:00:00Z');
  assert.equal(sinceTimeOf({ count: 0 }), undefined);
});

test('log cursor: a reopened stream skips exactly the lines delivered, including lines sharing the cursor timestamp', () => {
  const first = new LogLineFilter({ count: 0 });
  const delivered = [line('2026-11-23T11:00:00.1Z', 'a'), line('2026-11-23T11:00:00.2Z', 'b'), line('2026-11-23T11:00:00.2Z', 'c')].map((l) => first.accept(l)?.toString());
  assert.deepEqual(delivered, ['a', 'b', 'c']);
  assert.deepEqual(first.cursor, { since: '2026-11-23T11:00:00.2Z', count: 2 });

  const again = new LogLineFilter(first.cursor);
  const replay = [
    line('2026-11-23T11:00:00.1Z', 'a'),
    line('2026-11-23T11:00:00.2Z', 'b'),
    line('2026-11-23T11:00:00.2Z', 'c'),
    line('2026-11-23T11:00:00.2Z', 'd'),
    line('2026-11-23T11:00:00.3Z', 'e'),
  ].map((l) => again.accept(l)?.toString());
  assert.deepEqual(replay, [undefined, undefined, undefined, 'd', 'e']);
  assert.deepEqual(again.cursor, { since: '2026-11-23T11:00:00.3Z', count: 1 });
});
