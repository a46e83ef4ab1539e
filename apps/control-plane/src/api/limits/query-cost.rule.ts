import type { GraphQLError, ValidationRule } from 'graphql';
import { createComplexityRule } from 'graphql-query-complexity';
import { limitError } from './limit-errors';
import { queryCostEstimator, type QueryCostOptions } from './query-cost.estimator';

/** Field selections evaluated (fragments expanded) before an operation is refused as too costly. */
export const MAX_EVALUATED_SELECTIONS = 10_000;

/**
 * Validation rule refusing operations whose estimated cost (cost points, see
 * {@link queryCostEstimator}) exceeds `maxCost`, with
 * `extensions.code = QUERY_TOO_COSTLY`, the limit and the actual cost.
 * `variables` are the request's (page sizes given as `$first` count); invalid
 * variables are left to the executor to report.
 */
export function maxCostRule(maxCost: number, variables: Record<string, unknown> | undefined, options: QueryCostOptions = {}): ValidationRule {
  return createComplexityRule({
    maximumComplexity: maxCost,
    variables: variables ?? {},
    maxQueryNodes: MAX_EVALUATED_SELECTIONS,
    estimators: [queryCostEstimator(options)],
    createError: (max: number, actual: number): GraphQLError => tooCostly(max, actual),
  });
}

/** The QUERY_TOO_COSTLY error for an operation of cost `actual` (cost points), or of unknown cost. */
export function tooCostly(max: number, actual?: number): GraphQLError {
  const message =
    actual === undefined
      ? `operation expands to more than ${MAX_EVALUATED_SELECTIONS} field selections; the cost limit is ${max} (GANTRY_GRAPHQL_MAX_COST)`
      : `operation costs ${actual} points; the limit is ${max} (GANTRY_GRAPHQL_MAX_COST); ask for smaller pages (first) or fewer nested lists`;
  return limitError('QUERY_TOO_COSTLY', message, { setting: 'GANTRY_GRAPHQL_MAX_COST', limit: max, ...(actual === undefined ? {} : { actual }) });
}
