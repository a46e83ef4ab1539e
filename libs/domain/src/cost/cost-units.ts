/**
 * Units a cost record may carry. Anything else is refused (with a run event
 * naming it), so a typo never becomes a new currency. `maxPerRecord` is the
 * largest amount one record may hold in that unit: above it the figure is
 * treated as absurd (a unit mix-up, a counter in the wrong field) and refused.
 */
export const COST_UNITS = {
  /** US dollars. */
  USD: { maxPerRecord: 1_000_000, description: 'US dollars' },
  /** Euros. */
  EUR: { maxPerRecord: 1_000_000, description: 'euros' },
  /** Pounds sterling. */
  GBP: { maxPerRecord: 1_000_000, description: 'pounds sterling' },
  /** Warehouse credits (Snowflake credits and the like). */
  credits: { maxPerRecord: 1_000_000, description: 'warehouse credits' },
  /** Databricks units. */
  dbu: { maxPerRecord: 1_000_000, description: 'Databricks units' },
  /** Bytes (scanned, written, transferred). At most 1 EB per record. */
  bytes: { maxPerRecord: 1e18, description: 'bytes' },
  /** Rows processed. */
  rows: { maxPerRecord: 1e15, description: 'rows' },
  /** BigQuery slot milliseconds. */
  slot_ms: { maxPerRecord: 1e13, description: 'slot milliseconds' },
  /** Seconds (wall time, CPU time). At most ~115 days per record. */
  seconds: { maxPerRecord: 1e7, description: 'seconds' },
  /** Memory integrated over time, gigabyte-seconds (GB = 2^30 bytes). */
  gb_seconds: { maxPerRecord: 1e10, description: 'gigabyte-seconds' },
} as const;

/** A supported unit, e.g. `USD`, `credits`, `bytes`. */
export type CostUnit = keyof typeof COST_UNITS;

/** Whether `unit` is a supported unit (case-sensitive: `USD`, not `usd`). */
export function isCostUnit(unit: string): unit is CostUnit {
  return Object.hasOwn(COST_UNITS, unit);
}

/** Sources of a cost record (the `CostSource` enum of the database). */
export type CostSourceName = 'MEASURED' | 'PRICED' | 'REPORTED';
