import { GraphQLError, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ApiLimitsConfig } from './api-limits.config';
import { maxDepthRule } from './depth-limit.rule';
import { isLimitError, limitError } from './limit-errors';
import { maxCostRule, tooCostly } from './query-cost.rule';

/** An operation to check: a document that already passed the specified validation rules, and its variables. */
export interface OperationToCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

/**
 * Runs the depth and cost validation rules over an operation; returns their
 * errors (QUERY_TOO_DEEP, QUERY_TOO_COSTLY), empty when within the limits.
 * The same function guards HTTP (operation-limits.plugin.ts) and graphql-ws
 * (graphql-ws-gate.ts), so both transports refuse the same operations.
 */
export function operationLimitErrors(limits: ApiLimitsConfig, op: OperationToCheck): GraphQLError[] {
  const rules = [
    maxDepthRule(limits.graphqlMaxDepth),
    maxCostRule(limits.graphqlMaxCost, op.variables ?? undefined, {}),
  ];
  try {
    // Variable coercion errors are the executor's to report (BAD_USER_INPUT); keep only ours.
    return validate(op.schema, op.document, rules).filter(isLimitError);
  } catch (error) {
    // graphql-query-complexity throws once fragments expand beyond its node budget.
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) return [tooCostly(limits.graphqlMaxCost)];
    throw error;
  }
}

/** The QUERY_TOO_LONG error for a query text of `actual` characters, or undefined within the limit. */
export function queryLengthError(limits: ApiLimitsConfig, query: unknown): GraphQLError | undefined {
  if (typeof query !== 'string' || query.length <= limits.graphqlMaxQueryChars) return undefined;
  return limitError(
    'QUERY_TOO_LONG',
    `query text is ${query.length} characters; the limit is ${limits.graphqlMaxQueryChars} (GANTRY_GRAPHQL_MAX_QUERY_CHARS)`,
    { setting: 'GANTRY_GRAPHQL_MAX_QUERY_CHARS', limit: limits.graphqlMaxQueryChars, actual: query.length },
  );
}
