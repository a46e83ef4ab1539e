import { COST_UNITS, CostAmountError, toNano, type MetadataEntry, type ResourceUsagePayload } from '@gantry/domain';
import type { PreparedEventBatch } from '../../ingest/event-batch';

/** A RUN_RESOURCE_USAGE event of a batch, validated. */
export interface UsageEvent {
  runId: string;
  seq: number;
  atMs: number;
  /** Measured quantities in nano-units: seconds, seconds, GB-seconds; and the priced total in nano-USD. */
  cpuSecondsNano: bigint;
  wallSecondsNano: bigint;
  memoryGbSecondsNano: bigint;
  usdNano: bigint;
}

/** An ASSET_MATERIALIZATION event of a batch that carries `gantry/` metadata. */
export interface ReportedEvent {
  runId: string;
  seq: number;
  atMs: number;
  assetKey: string;
  partitionKey: string | null;
  metadata: Record<string, MetadataEntry>;
}

/** The cost-bearing events of a batch, and what was refused in them (for the log). */
export interface CostEvents {
  usage: UsageEvent[];
  reported: ReportedEvent[];
  problems: Array<{ runId: string; seq: number; problem: string }>;
}

/** Cheap pre-check: does the batch hold any event cost ingest must look at? */
export function hasCostEvents(batch: PreparedEventBatch): boolean {
  for (let i = 0; i < batch.types.length; i++) {
    const type = batch.types[i];
    if (type === 'RUN_RESOURCE_USAGE') return true;
    if (type === 'ASSET_MATERIALIZATION' && batch.payloads[i]!.includes('"gantry/')) return true;
  }
  return false;
}

function nanoOf(value: unknown, what: string, max: number): bigint {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new CostAmountError(`${what} must be a non-negative number, got ${JSON.stringify(value)}`);
  if (value > max) throw new CostAmountError(`${what} = ${value} is absurd (more than ${max})`);
  return toNano(value);
}

/**
 * Picks the cost-bearing events of the runs in `runIds` out of a prepared
 * batch: RUN_RESOURCE_USAGE (validated: non-negative finite numbers within
 * the unit limits, a decimal USD total) and ASSET_MATERIALIZATION events with
 * `gantry/` metadata. A malformed usage event is refused as a whole and
 * named in `problems`; reported costs are validated later per entry.
 */
export function collectCostEvents(batch: PreparedEventBatch, runIds: ReadonlySet<string>): CostEvents {
  const out: CostEvents = { usage: [], reported: [], problems: [] };
  for (let i = 0; i < batch.types.length; i++) {
    const type = batch.types[i];
    const runId = batch.runIds[i]!;
    if ((type !== 'RUN_RESOURCE_USAGE' && type !== 'ASSET_MATERIALIZATION') || !runIds.has(runId)) continue;
    const seq = batch.seqs[i]!;
    const atMs = batch.timestampsMs[i]!;
    const payload = JSON.parse(batch.payloads[i]!) as Record<string, unknown>;
    if (type === 'RUN_RESOURCE_USAGE') {
      const p = payload as Partial<ResourceUsagePayload>;
      try {
        const usd = typeof p.priced?.usd === 'string' ? toNano(p.priced.usd) : nanoOf(p.priced?.usd, 'priced.usd', COST_UNITS.USD.maxPerRecord);
        if (usd > toNano(COST_UNITS.USD.maxPerRecord)) throw new CostAmountError(`priced.usd = ${p.priced?.usd} is absurd`);
        out.usage.push({
          runId,
          seq,
          atMs,
          usdNano: usd,
          cpuSecondsNano: nanoOf(p.cpuSeconds, 'cpuSeconds', COST_UNITS.seconds.maxPerRecord),
          wallSecondsNano: nanoOf(p.wallSeconds, 'wallSeconds', COST_UNITS.seconds.maxPerRecord),
          memoryGbSecondsNano: nanoOf(p.memoryGbSeconds, 'memoryGbSeconds', COST_UNITS.gb_seconds.maxPerRecord),
        });
      } catch (error) {
        if (!(error instanceof CostAmountError)) throw error;
        out.problems.push({ runId, seq, problem: `RUN_RESOURCE_USAGE refused: ${error.message}` });
      }
      continue;
    }
    if (!batch.payloads[i]!.includes('"gantry/')) continue;
    const assetKey = batch.assetKeys[i];
    const metadata = payload['metadata'];
    if (!assetKey || !metadata || typeof metadata !== 'object' || Array.isArray(metadata)) continue;
    out.reported.push({
      runId,
      seq,
      atMs,
      assetKey,
      partitionKey: typeof payload['partitionKey'] === 'string' ? payload['partitionKey'] : null,
      metadata: metadata as Record<string, MetadataEntry>,
    });
  }
  return out;
}
