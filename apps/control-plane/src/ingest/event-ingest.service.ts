import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { WireRunEvent__Output } from '@gantry/proto';
import { prepareEventBatch } from './event-batch';
import { RunEventsRepository } from './run-events.repository';

/** One acknowledgement: every event of `runId` with seq <= `upToSeq` is stored (or deliberately dropped). */
export interface RunEventAck {
  runId: string;
  upToSeq: number;
}

/** What became of a batch. */
export interface IngestOutcome {
  /** Acks to send, one per run of the batch the agent holds (including runs failed by lease expiry). */
  acks: RunEventAck[];
  /** Runs of the batch the agent does not hold (unknown, another agent's, another tenant's, not a UUID): nothing stored, no ack. */
  foreign: string[];
  /** Number of events offered for storage (duplicates included; replays store nothing twice). */
  offered: number;
}

/** The agent whose events are ingested, as its session knows it. */
export interface EventSource {
  agentId: string;
  orgId: string;
  log: Logger;
}

/**
 * Ingests RunEventBatch messages. Rules, per run of the batch:
 * - held by this agent in its organization and active, or ended through its own
 *   events: events stored once per (run, seq) (replays idempotent), derived
 *   rows and status written in the same statement, then acked up to the
 *   highest seq of that run in the batch;
 * - failed by lease expiry: events dropped but acked (the agent got
 *   LeaseRevoked and should drop them; the ack empties its spool);
 * - anything else: nothing stored, no ack; reported in `foreign` so the
 *   session sends LeaseRevoked once.
 * Errors: database failures propagate (the session ends; the agent replays).
 */
@Injectable()
export class EventIngestService {
  constructor(@Inject(RunEventsRepository) private readonly repo: RunEventsRepository) {}

  async ingest(source: EventSource, events: readonly WireRunEvent__Output[]): Promise<IngestOutcome> {
    const batch = prepareEventBatch(events);
    if (batch.problems.length > 0) {
      source.log.warn({ problems: batch.problems.slice(0, 10), count: batch.problems.length }, 'run events with problems in a batch');
    }
    const foreign = [...batch.invalidRunIds];
    if (batch.distinctRunIds.length === 0) return { acks: [], foreign, offered: 0 };
    const held = await this.repo.storeBatch(batch, source.agentId, source.orgId);
    const heldIds = new Set(held.map((h) => h.run_id));
    const acks: RunEventAck[] = [];
    for (const runId of batch.distinctRunIds) {
      if (heldIds.has(runId)) acks.push({ runId, upToSeq: batch.maxSeqByRun.get(runId)! });
      else foreign.push(runId);
    }
    if (foreign.length > 0) source.log.warn({ runIds: foreign.slice(0, 10), count: foreign.length }, 'events for runs this agent does not hold were refused');
    return { acks, foreign, offered: batch.runIds.length };
  }
}
