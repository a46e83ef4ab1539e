import type { AgentRunEvent } from '../runs/event-sequencer';
import type { EventSpool } from '../spool/event-spool';

/** Options of {@link EventSender}. */
export interface EventSenderOptions {
  spool: EventSpool;
  /** Writes one RunEventBatch on the open stream; false when there is no open stream. */
  send: (events: AgentRunEvent[]) => boolean;
  /** Events per RunEventBatch (default 1000). */
  maxBatchEvents?: number;
  /** Batches sent but not fully acknowledged before sending pauses (default 8). */
  maxInflightBatches?: number;
}

/**
 * Sends durable events from the spool as RunEventBatch messages with a
 * sliding window: up to `maxInflightBatches` batches may await their acks at
 * once (no stop-and-wait). A batch leaves the window once every run in it is
 * acknowledged up to the batch's highest seq of that run.
 */
export class EventSender {
  private inflight: Map<string, number>[] = [];
  private readonly maxBatchEvents: number;
  private readonly maxInflightBatches: number;
  private connected = false;

  constructor(private readonly options: EventSenderOptions) {
    this.maxBatchEvents = options.maxBatchEvents ?? 1000;
    this.maxInflightBatches = options.maxInflightBatches ?? 8;
  }

  /** A new stream is open: resend every unacknowledged event. */
  connect(): void {
    this.connected = true;
    this.inflight = [];
    this.options.spool.resetSent();
    this.pump();
  }

  /** The stream is gone: stop sending until {@link connect}. */
  disconnect(): void {
    this.connected = false;
    this.inflight = [];
  }

  /** Sends as many batches as the window allows. */
  pump(): void {
    while (this.connected && this.inflight.length < this.maxInflightBatches) {
      const batch = this.options.spool.takeBatch(this.maxBatchEvents);
      if (batch.length === 0) return;
      const top = new Map<string, number>();
      for (const e of batch) top.set(e.runId, Math.max(top.get(e.runId) ?? 0, e.seq));
      this.inflight.push(top);
      if (!this.options.send(batch)) {
        this.disconnect();
        return;
      }
    }
  }

  /** Applies EventAckBatch acks and refills the window. */
  onAcks(acks: readonly { runId: string; upToSeq: number }[]): void {
    for (const a of acks) this.options.spool.ack(a.runId, a.upToSeq);
    this.settle();
  }

  /** Re-evaluates the window (after acks or a dropped run). */
  settle(): void {
    const spool = this.options.spool;
    this.inflight = this.inflight.filter((batch) => [...batch].some(([runId, seq]) => spool.ackedSeqOf(runId) < seq));
    this.pump();
  }

  /** Batches awaiting acknowledgement. */
  get inflightBatches(): number {
    return this.inflight.length;
  }
}
