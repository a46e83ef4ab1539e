import type { RunAssignment__Output } from '@gantry/proto';

/**
 * A RunAssignment as the control plane sends it, for executor and launcher
 * tests: deployment `prod`, version 1, assets `demo/a` and `demo/b`, no
 * partition, nothing stored yet. `overrides` replace any field.
 */
export function testAssignment(runId: string, overrides: Partial<RunAssignment__Output> = {}): RunAssignment__Output {
  return {
    runId,
    deployment: 'prod',
    codeLocation: 'scripted',
    codeLocationVersion: 1,
    assetKeys: ['demo/a', 'demo/b'],
    partitionKey: '',
    partitionRangeStart: '',
    partitionRangeEnd: '',
    traceparent: '',
    leaseExpiresAtMs: 0,
    tagsJson: '{}',
    storedSeq: 0,
    ...overrides,
  };
}

/** Resolves once `predicate` holds; rejects naming `what` after `timeoutMs` (polls every 20 ms). */
export async function until(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
