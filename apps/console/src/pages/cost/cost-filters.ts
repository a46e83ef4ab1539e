/** What every section of the Cost page shows: a window of whole UTC days, the bucket grain and the unit. */
export interface CostFilters {
  from: string;
  to: string;
  grain: 'DAY' | 'WEEK' | 'MONTH';
  unit: string;
  /** The deployment of the page. */
  deployment: string;
  /** True when the caller holds an organization-wide grant, so cross-deployment figures are allowed. */
  orgWide: boolean;
}
