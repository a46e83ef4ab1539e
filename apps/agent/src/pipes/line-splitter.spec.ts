import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter, type SplitLine } from './line-splitter';

test('line splitter: partial lines and split UTF-8 characters are joined; a missing final newline is flushed by end()', () => {
  const out: SplitLine[] = [];
  const s = new LineSplitter(1024, (l) => out.push(l));
  const bytes = Buffer.from('héllo\nwör', 'utf8');
  for (const b of bytes) s.push(Buffer.from([b]));
  s.push(Buffer.from('ld\r\nlast'));
  assert.deepEqual(out, [{ kind: 'line', text: 'héllo' }, { kind: 'line', text: 'wörld' }]);
  s.end();
  assert.deepEqual(out.at(-1), { kind: 'line', text: 'last' });
});

test('line splitter: a line over the limit is skipped to its newline and reported with its size and first KiB', () => {
  const out: SplitLine[] = [];
  const s = new LineSplitter(100, (l) => out.push(l));
  s.push(Buffer.from('a'.repeat(60)));
  s.push(Buffer.from('b'.repeat(3000)));
  s.push(Buffer.from('c\nok\n'));
  assert.equal(out.length, 2);
  const first = out[0]!;
  assert.equal(first.kind, 'oversized');
  if (first.kind === 'oversized') {
    assert.equal(first.bytes, 3061);
    assert.equal(first.head.length, 1024);
  }
  assert.deepEqual(out[1], { kind: 'line', text: 'ok' });
});
