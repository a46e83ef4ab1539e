import { getNamedType, getNullableType, isLeafType, isListType } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';

/**
 * Cost of a field, in cost points, beyond the default of 1 per object field.
 * Keyed `Type.field`. Raise a field's weight when resolving it costs more than
 * one loader lookup (graph walks, computed lists).
 */
export const FIELD_WEIGHTS: Readonly<Record<string, number>> = {
  'Asset.upstream': 2,
  'Asset.downstream': 2,
  'Asset.partitionKeys': 5,
  'Asset.latestCheckEvaluations': 2,
};

/** Items assumed for a list field without a `first`/`limit` argument (e.g. `assets`, `upstream`). */
export const ASSUMED_LIST_SIZE = 10;

/** Options of {@link queryCostEstimator}. */
export interface QueryCostOptions {
  /** Per-field weights, cost points; default {@link FIELD_WEIGHTS}. */
  weights?: Readonly<Record<string, number>>;
  /** Items assumed for an unbounded list, default {@link ASSUMED_LIST_SIZE}. */
  assumedListSize?: number;
}

function listSizeArg(args: Record<string, unknown>): number | undefined {
  for (const name of ['first', 'limit', 'last']) {
    const value = args[name];
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
  }
  return undefined;
}

/**
 * The cost of a field: `items × (own + children)`, an upper bound of the
 * objects the field can return.
 * - `own` is the field's weight (default 1) for object fields, 0 for scalars
 *   and enums (except weighted ones such as `Asset.partitionKeys`);
 * - `items` is the `first`/`limit` argument (its default when omitted, as in
 *   `runs(first: Int! = 20)`), {@link ASSUMED_LIST_SIZE} for other list fields,
 *   1 for single objects; the `edges` list of a connection counts 1 because
 *   its connection field already multiplied by `first`.
 * Introspection (`__schema`, `__type`, fields of `__*` types) is free: its
 * size is bounded by the schema, not by data, and tools must be able to run
 * the standard introspection query.
 */
export function queryCostEstimator(options: QueryCostOptions = {}): ComplexityEstimator {
  const weights = options.weights ?? FIELD_WEIGHTS;
  const assumed = options.assumedListSize ?? ASSUMED_LIST_SIZE;
  return ({ type, field, args, childComplexity }) => {
    if (field.name.startsWith('__') || type.name.startsWith('__')) return 0;
    const key = `${type.name}.${field.name}`;
    const own = weights[key] ?? (isLeafType(getNamedType(field.type)) ? 0 : 1);
    const pageSize = listSizeArg(args);
    const isList = isListType(getNullableType(field.type));
    const insideConnection = type.name.endsWith('Connection') || type.name.endsWith('Edge');
    const items = pageSize ?? (isList && !insideConnection && !isLeafType(getNamedType(field.type)) ? assumed : 1);
    return items * (own + childComplexity);
  };
}
