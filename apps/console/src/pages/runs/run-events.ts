import { useMemo } from 'react';
import { useSubscription } from 'urql';
import { graphql } from '../../gql';

/** A run event as the run page uses it. */
export interface RunEventItem {
  seq: number;
  type: string;
  level?: string | null;
  message?: string | null;
  assetKey?: string | null;
  timestamp: string;
  payload: unknown;
}

const RunEventsSubscription = graphql(`
  subscription RunPageEvents($runId: ID!) {
    runEvents(runId: $runId, afterSeq: 0) {
      seq
      type
      level
      message
      assetKey
      timestamp
      payload
    }
  }
`);

/**
 * Every event of a run, in seq order: the stored ones, then each new one as
 * the server commits it (the subscription completes after the run ended).
 * Events are kept by seq, so a resubscription after a dropped socket does
 * not duplicate lines.
 */
export function useRunEvents(runId: string): { events: RunEventItem[]; error: string | null } {
  const [result] = useSubscription({ query: RunEventsSubscription, variables: { runId } }, (prev: Map<number, RunEventItem> | undefined, data) => {
    const next = new Map(prev);
    next.set(data.runEvents.seq, data.runEvents);
    return next;
  });
  const events = useMemo(() => [...(result.data?.values() ?? [])].sort((a, b) => a.seq - b.seq), [result.data]);
  return { events, error: result.error ? result.error.message : null };
}

/**
 * The asset an event belongs to: its assetKey, or for log lines without one
 * the run asset their message starts with ("flights/raw_flights: computing"),
 * which is how pipelines commonly prefix step logs.
 */
export function eventAsset(event: RunEventItem, assetKeys: readonly string[]): string | null {
  if (event.assetKey) return event.assetKey;
  if (!event.message) return null;
  return assetKeys.find((key) => event.message!.startsWith(`${key}:`) || event.message!.startsWith(`${key} `)) ?? null;
}

/** Record field helper for untyped payloads. */
export function field(payload: unknown, name: string): unknown {
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[name] : undefined;
}
