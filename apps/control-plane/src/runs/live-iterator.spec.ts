import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveIterator, type LivePoll } from './live-iterator';

/** A fake source: polls return queued results; `wake()` simulates a NOTIFY. */
function source(results: LivePoll<number>[]) {
  let wake: (() => void) | undefined;
  let watching = 0;
  let polls = 0;
  const iterator = new LiveIterator<number>({
    watch: (w) => {
      wake = w;
      watching++;
      return () => {
        watching--;
      };
    },
    poll: async () => {
      polls++;
      const next = results.shift();
      if (next instanceof Error) throw next;
      return next ?? { items: [], more: false, done: false };
    },
    mapError: (e) => new Error(`mapped: ${(e as Error).message}`),
  });
  return { iterator, wake: () => wake?.(), watching: () => watching, polls: () => polls };
}

test('polls at start, again on wake-up, again at once when more is ready, and ends when done', async () => {
  const s = source([
    { items: [1, 2], more: true, done: false },
    { items: [3], more: false, done: false },
    { items: [4], more: false, done: true },
  ]);
  const got: number[] = [];
  const consumer = (async () => {
    for await (const n of s.iterator) got.push(n);
  })();
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(got, [1, 2, 3]);
  assert.equal(s.polls(), 2);
  s.wake();
  await consumer;
  assert.deepEqual(got, [1, 2, 3, 4]);
  assert.equal(s.watching(), 0, 'the end of the stream removes the watcher');
});

test('return() while waiting for a notification ends the pending next() at once and unwatches', async () => {
  const s = source([{ items: [], more: false, done: false }]);
  const pending = s.iterator.next();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.watching(), 1);
  await s.iterator.return();
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.equal(s.watching(), 0);
  assert.equal(s.iterator.isClosed, true);
  s.wake();
  assert.deepEqual(await s.iterator.next(), { done: true, value: undefined });
});

test('a failing poll ends the stream with the mapped error and unwatches', async () => {
  const s = source([new Error('db down') as unknown as LivePoll<number>]);
  await assert.rejects(s.iterator.next(), /mapped: db down/);
  assert.equal(s.watching(), 0);
});
