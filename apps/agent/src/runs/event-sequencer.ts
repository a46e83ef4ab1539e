import type { RunEventType } from '@gantry/domain';

/**
 * A run event as the agent produces, spools and sends it: the wire `RunEvent`
 * (proto gantry.agent.v1) with every field set; `payloadJson` is the JSON of
 * the type's payload (libs/domain run-event.ts).
 */
export interface AgentRunEvent {
  runId: string;
  seq: number;
  type: string;
  /** Milliseconds since the Unix epoch at the source. */
  timestampMs: number;
  level: string;
  message: string;
  assetKey: string;
  payloadJson: string;
}

/** The fields of an event a producer chooses; the sequencer adds runId, seq and timestamp. */
export interface RunEventInput {
  type: RunEventType;
  level?: string;
  message?: string;
  assetKey?: string;
  payload?: Record<string, unknown>;
}

/** The terminal event types: exactly one of them ends a run's event stream. */
export const TERMINAL_EVENT_TYPES: readonly RunEventType[] = ['RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED'];

/**
 * Numbers the events of one run 1, 2, 3, … (continuing after the highest seq
 * the control plane already stored) and hands them to the sink, which spools
 * and sends them. After the terminal event, or once {@link silence} was
 * called (lease revoked), further events are dropped.
 */
export class EventSequencer {
  private seq: number;
  private ended = false;

  constructor(
    readonly runId: string,
    startAfterSeq: number,
    private readonly sink: (event: AgentRunEvent) => void,
  ) {
    this.seq = startAfterSeq;
  }

  /** Highest seq handed out so far. */
  get lastSeq(): number {
    return this.seq;
  }

  /** True once a terminal event was emitted or the run was silenced. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Emits one event; returns it, or undefined when the run's stream is already closed. */
  emit(input: RunEventInput): AgentRunEvent | undefined {
    if (this.ended) return undefined;
    if (TERMINAL_EVENT_TYPES.includes(input.type)) this.ended = true;
    this.seq += 1;
    const event: AgentRunEvent = {
      runId: this.runId,
      seq: this.seq,
      type: input.type,
      timestampMs: Date.now(),
      level: input.level ?? (input.type === 'RUN_FAILURE' || input.type === 'PIPES_ERROR' ? 'ERROR' : 'INFO'),
      message: input.message ?? '',
      assetKey: input.assetKey ?? '',
      payloadJson: JSON.stringify(input.payload ?? {}),
    };
    this.sink(event);
    return event;
  }

  /** Drops every later event (the lease is gone). */
  silence(): void {
    this.ended = true;
  }
}
