import { registerEnumType } from '@nestjs/graphql';

/** What cost is grouped by. */
export enum CostDimension {
  ASSET = 'ASSET',
  GROUP = 'GROUP',
  CODE_LOCATION = 'CODE_LOCATION',
  DEPLOYMENT = 'DEPLOYMENT',
  ORGANIZATION = 'ORGANIZATION',
}

/** Size of a time bucket: UTC day, ISO week (from Monday), calendar month. */
export enum CostGrain {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}

/** Where a cost figure comes from. */
export enum CostSourceEnum {
  MEASURED = 'MEASURED',
  PRICED = 'PRICED',
  REPORTED = 'REPORTED',
}

/** What a budget covers. */
export enum CostBudgetScopeEnum {
  ASSET = 'ASSET',
  GROUP = 'GROUP',
  DEPLOYMENT = 'DEPLOYMENT',
}

registerEnumType(CostDimension, { name: 'CostDimension', description: 'What cost is grouped by.' });
registerEnumType(CostGrain, { name: 'CostGrain', description: 'Time bucket: UTC day, ISO week (Monday), calendar month.' });
registerEnumType(CostSourceEnum, { name: 'CostSource', description: 'MEASURED by the agent (seconds, GB-seconds), PRICED by its price table (USD), REPORTED by customer code.' });
registerEnumType(CostBudgetScopeEnum, { name: 'CostBudgetScope', description: 'A budget covers one asset, one asset group or a whole deployment.' });
