import { splitExact } from '@gantry/domain';

/** A materialization of the run, as attribution sees it. */
export interface AttributionMaterialization {
  /** Seq of its ASSET_MATERIALIZATION event. */
  seq: number;
  assetId: string;
  partitionKey: string | null;
  /** Event time, ms since the epoch. */
  atMs: number;
}

/** Where a share of the run's measured cost goes. */
export interface AttributionTarget {
  assetId: string;
  /** The materialization the share belongs to; 0 when the run materialized nothing. */
  materializationSeq: number;
  partitionKey: string | null;
  /** Step time behind the share, ms (0 for even splits). */
  weightMs: number;
}

/**
 * The attribution rule for a run's measured (and priced) cost:
 *
 * 1. Each materialization the run reported before its RUN_RESOURCE_USAGE
 *    event gets a weight equal to its step time: the time from the previous
 *    materialization of the run (the first one: from the run's start) to its
 *    own event, in ms (negative gaps from clock skew count as 0).
 * 2. The total is split across the materializations in proportion to those
 *    weights; when every weight is 0 (no step times), evenly.
 * 3. A run that materialized nothing splits evenly across the assets it was
 *    launched for.
 *
 * Shares are exact: {@link splitAmount} splits integer nano-units by the
 * largest-remainder method, so they always sum to the run's total. Pure.
 */
export function attributionTargets(
  materializations: readonly AttributionMaterialization[],
  runStartedAtMs: number | null,
  selectedAssetIds: readonly string[],
  runPartitionKey: string | null,
): AttributionTarget[] {
  if (materializations.length === 0) {
    return selectedAssetIds.map((assetId) => ({ assetId, materializationSeq: 0, partitionKey: runPartitionKey, weightMs: 0 }));
  }
  const sorted = [...materializations].sort((a, b) => a.seq - b.seq);
  let previous = runStartedAtMs ?? sorted[0]!.atMs;
  return sorted.map((m) => {
    const weightMs = Math.max(0, Math.round(m.atMs - previous));
    previous = Math.max(previous, m.atMs);
    return { assetId: m.assetId, materializationSeq: m.seq, partitionKey: m.partitionKey, weightMs };
  });
}

/** Splits `totalNano` across `targets` by their weights (evenly when all are 0); the parts sum exactly to the total. */
export function splitAmount(totalNano: bigint, targets: readonly AttributionTarget[]): bigint[] {
  return splitExact(totalNano, targets.map((t) => BigInt(t.weightMs)));
}
