import type { MetadataEntry } from '../run-event';
import { CostAmountError, toNano } from './cost-amount';
import { COST_UNITS, isCostUnit, type CostUnit } from './cost-units';

/**
 * The reported-cost convention: customer code reports what a materialization
 * cost as metadata of `report_asset_materialization` (any Pipes client,
 * including the unmodified `dagster-pipes` Python package):
 *
 * | key | value | unit |
 * | --- | --- | --- |
 * | `gantry/cost_usd` | number | `USD` |
 * | `gantry/warehouse_credits` | number | `credits` |
 * | `gantry/bytes_scanned` | number | `bytes` |
 * | `gantry/cost` | `{"amount": number, "unit": string, "label"?: string}` or a list of them (type `json`) | any of {@link COST_UNITS} |
 *
 * Every other key under the reserved `gantry/` prefix is refused as unknown.
 */
export const REPORTED_COST_KEYS = {
  'gantry/cost_usd': 'USD',
  'gantry/warehouse_credits': 'credits',
  'gantry/bytes_scanned': 'bytes',
} as const satisfies Record<string, CostUnit>;

/** The structured key: one `{amount, unit, label?}` object or a list of them. */
export const STRUCTURED_COST_KEY = 'gantry/cost';

/** Metadata keys starting with this prefix are reserved for Gantry. */
export const GANTRY_METADATA_PREFIX = 'gantry/';

/** One accepted reported cost. */
export interface ReportedCost {
  /** Stable name within the materialization: the metadata key, with `:<label>` or `[i]` for structured entries. */
  metric: string;
  unit: CostUnit;
  /** Amount in nano-units of `unit` (exact). */
  amountNano: bigint;
}

/** A refused metadata entry: which key and why (a sentence fit for a run event). */
export interface ReportedCostProblem {
  key: string;
  reason: string;
}

function numberOf(entry: MetadataEntry): number | string {
  if ((entry.type === 'int' || entry.type === 'float') && typeof entry.raw_value === 'number') return entry.raw_value;
  return `not a number (got ${entry.type} ${JSON.stringify(entry.raw_value)?.slice(0, 60)})`;
}

function amountProblem(unit: CostUnit, value: unknown): { nano: bigint } | { reason: string } {
  if (typeof value !== 'number') return { reason: `amount is not a number (got ${JSON.stringify(value)?.slice(0, 60) ?? String(value)})` };
  if (!Number.isFinite(value)) return { reason: `amount ${value} is not finite` };
  if (value < 0) return { reason: `amount ${value} is negative` };
  const max = COST_UNITS[unit].maxPerRecord;
  if (value > max) return { reason: `amount ${value} ${unit} is absurd (more than ${max} ${unit} for one materialization)` };
  try {
    return { nano: toNano(value) };
  } catch (error) {
    if (error instanceof CostAmountError) return { reason: error.message };
    throw error;
  }
}

/**
 * Extracts the reported costs from a materialization's metadata (the stored
 * shape: `{ key: { raw_value, type } }` with `__infer__` already resolved).
 * Pure; never throws. Entries that break the convention (negative,
 * non-numeric, absurd, unknown unit, unknown `gantry/` key, malformed
 * structure) are returned as problems; the other entries are still accepted.
 */
export function parseReportedCosts(metadata: Readonly<Record<string, MetadataEntry>> | null | undefined): { costs: ReportedCost[]; problems: ReportedCostProblem[] } {
  const costs: ReportedCost[] = [];
  const problems: ReportedCostProblem[] = [];
  for (const [key, entry] of Object.entries(metadata ?? {})) {
    if (!key.startsWith(GANTRY_METADATA_PREFIX)) continue;
    if (!entry || typeof entry !== 'object' || !('raw_value' in entry)) {
      problems.push({ key, reason: 'not a metadata value ({raw_value, type})' });
      continue;
    }
    if (Object.hasOwn(REPORTED_COST_KEYS, key)) {
      const unit = REPORTED_COST_KEYS[key as keyof typeof REPORTED_COST_KEYS];
      const n = numberOf(entry);
      const r = amountProblem(unit, n);
      if ('reason' in r) problems.push({ key, reason: typeof n === 'string' ? n : r.reason });
      else costs.push({ metric: key, unit, amountNano: r.nano });
      continue;
    }
    if (key === STRUCTURED_COST_KEY) {
      if (entry.type !== 'json' || entry.raw_value === null || typeof entry.raw_value !== 'object') {
        problems.push({ key, reason: `expected {"amount", "unit"} or a list of them as json (got ${entry.type})` });
        continue;
      }
      const list = Array.isArray(entry.raw_value) ? (entry.raw_value as unknown[]) : [entry.raw_value];
      const seen = new Set<string>();
      list.forEach((item, i) => {
        const at = Array.isArray(entry.raw_value) ? `${key}[${i}]` : key;
        if (!item || typeof item !== 'object' || Array.isArray(item)) {
          problems.push({ key: at, reason: 'expected an object {"amount", "unit", "label"?}' });
          return;
        }
        const { amount, unit, label } = item as Record<string, unknown>;
        if (typeof unit !== 'string' || !isCostUnit(unit)) {
          problems.push({ key: at, reason: `unknown unit ${JSON.stringify(unit)}; expected one of ${Object.keys(COST_UNITS).join(', ')}` });
          return;
        }
        if (label !== undefined && (typeof label !== 'string' || label.length === 0 || label.length > 100)) {
          problems.push({ key: at, reason: 'label must be a non-empty string of at most 100 characters' });
          return;
        }
        const r = amountProblem(unit, amount);
        if ('reason' in r) {
          problems.push({ key: at, reason: r.reason });
          return;
        }
        const metric = typeof label === 'string' ? `${key}:${label}` : at;
        if (seen.has(metric)) {
          problems.push({ key: at, reason: `duplicate entry ${metric}; give each entry a distinct label` });
          return;
        }
        seen.add(metric);
        costs.push({ metric, unit, amountNano: r.nano });
      });
      continue;
    }
    problems.push({ key, reason: `unknown key under the reserved gantry/ prefix; expected one of ${[...Object.keys(REPORTED_COST_KEYS), STRUCTURED_COST_KEY].join(', ')}` });
  }
  return { costs, problems };
}
