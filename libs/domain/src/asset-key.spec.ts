import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assetKeyToString, InvalidAssetKeyError, parseAssetKey } from './asset-key';

test('asset keys round-trip between path and string form', () => {
  assert.deepEqual(parseAssetKey('flights/raw'), ['flights', 'raw']);
  assert.equal(assetKeyToString(['flights', 'raw']), 'flights/raw');
});

test('empty asset keys and empty parts are refused with a clear error', () => {
  assert.throws(() => parseAssetKey(''), InvalidAssetKeyError);
  assert.throws(() => parseAssetKey('a//b'), /invalid asset key "a\/\/b"/);
  assert.throws(() => parseAssetKey([]), InvalidAssetKeyError);
});
