import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inferMetadataType, isPipesMetadataValue, normalizeMetadata, PipesMetadata, PipesMetadataError, resolveMetadataTypes } from './metadata';

describe('pipes metadata', () => {
  test('raw scalars and arrays travel as __infer__, typed values as given (upstream _normalize_param_metadata)', () => {
    assert.deepEqual(normalizeMetadata({ s: 'x', i: 3, f: 2.5, b: false, n: null, list: [1, 'a'], url: { raw_value: 'https://x', type: 'url' } }), {
      s: { raw_value: 'x', type: '__infer__' },
      i: { raw_value: 3, type: '__infer__' },
      f: { raw_value: 2.5, type: '__infer__' },
      b: { raw_value: false, type: '__infer__' },
      n: { raw_value: null, type: '__infer__' },
      list: { raw_value: [1, 'a'], type: '__infer__' },
      url: { raw_value: 'https://x', type: 'url' },
    });
    assert.deepEqual(normalizeMetadata(undefined), {});
  });

  test('JavaScript-only values get a definite type: object → json, Date → timestamp, bigint → int, undefined → null', () => {
    assert.deepEqual(normalizeMetadata({ o: { a: 1 }, d: new Date('2001-01-01T00:00:00Z'), big: 3_000_000n, u: undefined }), {
      o: { raw_value: { a: 1 }, type: 'json' },
      d: { raw_value: 978307200, type: 'timestamp' },
      big: { raw_value: 3_000_000, type: 'int' },
      u: { raw_value: null, type: '__infer__' },
    });
  });

  test('refuses what cannot travel, naming the key', () => {
    assert.throws(() => normalizeMetadata({ bad: { raw_value: 1, type: 'integer' } }), /metadata bad: unknown type "integer"/);
    assert.throws(() => normalizeMetadata({ nan: Number.NaN }), PipesMetadataError);
    assert.throws(() => normalizeMetadata({ huge: 2n ** 60n }), /not a safe integer/);
    assert.throws(() => normalizeMetadata({ fn: (() => 1) as unknown as string }), /metadata fn: a function is not a metadata value/);
    assert.throws(() => PipesMetadata.int(1.5), /not a safe integer/);
    assert.throws(() => PipesMetadata.float(Infinity), /not finite/);
  });

  test('constructors build the raw shapes Dagster expects for each type', () => {
    assert.deepEqual(PipesMetadata.md('# t'), { raw_value: '# t', type: 'md' });
    assert.deepEqual(PipesMetadata.int(7n), { raw_value: 7, type: 'int' });
    assert.deepEqual(PipesMetadata.timestamp(new Date(1500)), { raw_value: 1.5, type: 'timestamp' });
    assert.deepEqual(PipesMetadata.null(), { raw_value: null, type: 'null' });
    assert.deepEqual(PipesMetadata.asset('flights/raw_flights'), { raw_value: 'flights/raw_flights', type: 'asset' });
    assert.deepEqual(PipesMetadata.table([{ a: 1 }], [{ name: 'a', type: 'int' }]), { raw_value: { records: [{ a: 1 }], schema: [{ name: 'a', type: 'int' }] }, type: 'table' });
    assert.deepEqual(PipesMetadata.tableSchema([{ name: 'a', type: 'int' }]), { raw_value: { columns: [{ name: 'a', type: 'int' }] }, type: 'table_schema' });
    assert.deepEqual(PipesMetadata.columnLineage({ a: [{ asset_key: 'x/y', column_name: 'b' }] }), {
      raw_value: { deps_by_column: { a: [{ asset_key: 'x/y', column_name: 'b' }] } },
      type: 'table_column_lineage',
    });
    for (const value of Object.values(normalizeMetadata({ t: PipesMetadata.text('x'), p: PipesMetadata.path('/x'), r: PipesMetadata.dagsterRun('r1') }))) {
      assert.ok(isPipesMetadataValue(value));
    }
  });

  test('__infer__ resolves as Dagster normalize_metadata_value does', () => {
    assert.deepEqual(
      [null, true, 3, 3.5, 'x', [1], { a: 1 }].map(inferMetadataType),
      ['null', 'bool', 'int', 'float', 'text', 'json', 'json'],
    );
    assert.deepEqual(resolveMetadataTypes({ a: { raw_value: 1, type: '__infer__' }, b: { raw_value: 'x', type: 'md' } }), {
      a: { raw_value: 1, type: 'int' },
      b: { raw_value: 'x', type: 'md' },
    });
    assert.deepEqual(resolveMetadataTypes(null), {});
  });
});
