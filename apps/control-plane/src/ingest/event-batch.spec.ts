import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WireRunEvent__Output } from '@gantry/proto';
import { cleanText, PAYLOAD_ERROR_KEY, prepareEventBatch, preparePayload } from './event-batch';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

function ev(runId: string, seq: number, extra: Partial<WireRunEvent__Output> = {}): WireRunEvent__Output {
  return { runId, seq, type: 'LOG', timestampMs: 1_700_000_000_000, level: '', message: '', assetKey: '', payloadJson: '', ...extra };
}

describe('prepareEventBatch', () => {
  test('sorts by run and seq, keeps the first of duplicate (run, seq), and reports the highest seq per run', () => {
    const b = prepareEventBatch([ev(B, 2), ev(A, 3, { message: 'first' }), ev(A, 1), ev(A, 3, { message: 'dup' }), ev(B, 1)]);
    assert.deepEqual(b.runIds, [A, A, B, B]);
    assert.deepEqual(b.seqs, [1, 3, 1, 2]);
    assert.deepEqual(b.messages, [null, 'first', null, null]);
    assert.deepEqual(b.distinctRunIds, [A, B]);
    assert.deepEqual([...b.maxSeqByRun], [
      [A, 3],
      [B, 2],
    ]);
  });

  test('drops events with a non-UUID run id (reported) or a seq below 1 (as a problem); upper-case ids are normalized', () => {
    const b = prepareEventBatch([ev('nope', 1), ev(A, 0), ev(A, -4), ev(A.toUpperCase(), 2)]);
    assert.deepEqual(b.invalidRunIds, ['nope']);
    assert.deepEqual(b.runIds, [A]);
    assert.deepEqual(b.problems.map((p) => p.seq), [0, -4]);
  });

  test('empty strings become NULL, an empty type UNKNOWN, a missing timestamp now', () => {
    const b = prepareEventBatch([ev(A, 1, { type: '', timestampMs: 0, level: 'INFO', assetKey: 'a/b' })], 42);
    assert.deepEqual([b.types[0], b.levels[0], b.messages[0], b.assetKeys[0], b.timestampsMs[0], b.payloads[0]], ['UNKNOWN', 'INFO', null, 'a/b', 42, '{}']);
  });
});

describe('preparePayload', () => {
  test('passes a JSON object through unchanged', () => {
    const raw = '{"metadata":{"rows":{"raw_value":1,"type":"int"}}}';
    assert.deepEqual(preparePayload(raw), { json: raw });
  });

  test('replaces invalid JSON and non-objects with a note, and says why', () => {
    for (const raw of ['{oops', '42', 'null', '[1]', '"s"']) {
      const p = preparePayload(raw);
      assert.ok(p.problem);
      assert.deepEqual(Object.keys(JSON.parse(p.json) as object), [PAYLOAD_ERROR_KEY]);
    }
  });

  test('re-encodes escapes jsonb refuses: NUL removed, lone surrogates replaced, valid pairs kept', () => {
    const p = preparePayload(String.raw`{"a":"x\u0000y","b":"\ud800","c":"\ud83d\ude00","k\u0000":1}`);
    assert.equal(p.problem, undefined);
    assert.deepEqual(JSON.parse(p.json), { a: 'xy', b: '\uFFFD', c: '😀', k: 1 });
    assert.doesNotMatch(p.json, /\\u0000|\\ud8/i);
  });

  test('cleanText strips NUL and lone surrogates only', () => {
    assert.equal(cleanText('a\u0000b\udc00c😀'), 'ab\uFFFDc😀');
  });
});
