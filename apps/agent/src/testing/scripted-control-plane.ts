/**
 * A scripted control-plane peer for the agent's tests: a real @grpc/grpc-js
 * server on 127.0.0.1:0 implementing `AgentService` just far enough to drive
 * the agent (Welcome, assignments, acks, cancel, lease revocation, dropped
 * streams, refused tokens) and to record what the agent sent. It is a minimal
 * test double of the control plane team's service, not a copy of it.
 */
import * as grpc from '@grpc/grpc-js';
import {
  loadAgentProto,
  type AgentMessage__Output,
  type ControlMessage,
  type Hello__Output,
  type ReportCodeLocationsRequest__Output,
  type RunAssignment,
  type WireRunEvent__Output,
} from '@gantry/proto';

type SessionCall = grpc.ServerDuplexStream<AgentMessage__Output, ControlMessage>;

/** Options of {@link startScriptedControlPlane}. */
export interface ScriptedControlPlaneOptions {
  /** The only accepted agent token (default `agent-test-token`). */
  token?: string;
  /** Acknowledge stored events right away (default true). */
  autoAck?: boolean;
  heartbeatIntervalMs?: number;
}

/** The running peer and everything it observed. */
export class ScriptedControlPlane {
  readonly token: string;
  autoAck: boolean;
  address = '';
  reportCalls: ReportCodeLocationsRequest__Output[] = [];
  sessionCalls = 0;
  /** Order of calls, e.g. ['report', 'session', 'report', 'session']. */
  callLog: string[] = [];
  hellos: Hello__Output[] = [];
  slots: number[] = [];
  heartbeats: string[][] = [];
  /** Every event received, duplicates included, in arrival order. */
  received: WireRunEvent__Output[] = [];
  /** Stored events per run by seq (first copy wins). */
  readonly stored = new Map<string, Map<number, WireRunEvent__Output>>();
  /** The terminal event (RUN_SUCCESS / RUN_FAILURE / RUN_CANCELED) stored per run. */
  readonly terminals = new Map<string, WireRunEvent__Output>();
  /** Highest seq acknowledged per run. */
  readonly acked = new Map<string, number>();
  /** Events received again although an ack covering them had been sent on the same or an earlier stream. */
  resentAfterAck = 0;
  batches = 0;
  /** Drops the session stream (UNAVAILABLE) once this many events arrived on it, then resets to undefined. */
  dropAfterEvents: number | undefined;
  /** Per run, the highest seq the peer will ever acknowledge (simulates a store that stopped accepting). */
  readonly ackCap = new Map<string, number>();
  private current: SessionCall | undefined;
  private readonly server = new grpc.Server();
  private waiters: (() => void)[] = [];

  constructor(options: ScriptedControlPlaneOptions) {
    this.token = options.token ?? 'agent-test-token';
    this.autoAck = options.autoAck ?? true;
    const proto = loadAgentProto();
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 100;
    this.server.addService(proto.gantry.agent.v1.AgentService.service, {
      ReportCodeLocations: (call: grpc.ServerUnaryCall<ReportCodeLocationsRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        this.callLog.push('report');
        this.reportCalls.push(call.request);
        this.notify();
        if (!this.authorized(call.metadata)) return callback({ code: grpc.status.UNAUTHENTICATED, details: 'unauthenticated' });
        callback(null, { results: call.request.locations.map((l) => ({ deployment: l.deployment, name: l.name, version: 1, changed: true })) });
      },
      Session: (call: SessionCall) => {
        this.callLog.push('session');
        this.sessionCalls += 1;
        this.notify();
        if (!this.authorized(call.metadata)) {
          call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'unauthenticated' });
          return;
        }
        let eventsOnStream = 0;
        call.on('data', (msg: AgentMessage__Output) => {
          switch (msg.body) {
            case 'hello':
              this.hellos.push(msg.hello!);
              this.current = call;
              call.write({ welcome: { agentId: 'agent-1', organizationId: 'org-1', leaseTtlMs: 30_000, heartbeatIntervalMs } });
              break;
            case 'slots':
              this.slots.push(msg.slots!.freeSlots);
              break;
            case 'heartbeat':
              this.heartbeats.push(msg.heartbeat!.runIds);
              break;
            case 'events': {
              this.batches += 1;
              const runs = new Set<string>();
              for (const e of msg.events!.events) {
                this.received.push(e);
                eventsOnStream += 1;
                if (e.seq <= (this.acked.get(e.runId) ?? 0)) this.resentAfterAck += 1;
                let byRun = this.stored.get(e.runId);
                if (!byRun) this.stored.set(e.runId, (byRun = new Map()));
                if (!byRun.has(e.seq)) byRun.set(e.seq, e);
                if (e.type === 'RUN_SUCCESS' || e.type === 'RUN_FAILURE' || e.type === 'RUN_CANCELED') this.terminals.set(e.runId, e);
                runs.add(e.runId);
              }
              if (this.dropAfterEvents !== undefined && eventsOnStream >= this.dropAfterEvents) {
                this.dropAfterEvents = undefined;
                this.dropStream();
                break;
              }
              if (this.autoAck) this.ack([...runs]);
              break;
            }
            case undefined:
              break;
          }
          this.notify();
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
        call.on('cancelled', () => {
          if (this.current === call) this.current = undefined;
        });
      },
    });
  }

  /** Binds 127.0.0.1:0 and starts serving. */
  async listen(): Promise<void> {
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.address = `127.0.0.1:${port}`;
  }

  /** Sends acks for the contiguous stored prefix of each run (after its storedSeq, up to its ackCap). */
  ack(runIds: string[] = [...this.stored.keys()]): void {
    const acks: { runId: string; upToSeq: number }[] = [];
    for (const runId of runIds) {
      const byRun = this.stored.get(runId);
      let upTo = this.acked.get(runId) ?? 0;
      const cap = this.ackCap.get(runId) ?? Number.POSITIVE_INFINITY;
      while (byRun?.has(upTo + 1) && upTo + 1 <= cap) upTo += 1;
      if (upTo > (this.acked.get(runId) ?? 0)) {
        this.acked.set(runId, upTo);
        acks.push({ runId, upToSeq: upTo });
      }
    }
    if (acks.length > 0) this.current?.write({ acks: { acks } });
  }

  /** Pushes a RunAssignment on the current stream. */
  assign(assignment: RunAssignment): void {
    if (assignment.runId && !this.acked.has(assignment.runId)) this.acked.set(assignment.runId, assignment.storedSeq ?? 0);
    this.mustHaveStream().write({ assignment });
  }

  cancel(runId: string): void {
    this.mustHaveStream().write({ cancel: { runId } });
  }

  revoke(runId: string, reason: string): void {
    this.mustHaveStream().write({ leaseRevoked: { runId, reason } });
  }

  /** Ends the current session with UNAVAILABLE, as a crashing replica would. */
  dropStream(): void {
    const call = this.current;
    this.current = undefined;
    call?.emit('error', { code: grpc.status.UNAVAILABLE, details: 'scripted drop' });
  }

  /** True while a welcomed stream is open. */
  get connected(): boolean {
    return this.current !== undefined;
  }

  /** Events stored for a run, by ascending seq. */
  eventsOf(runId: string): WireRunEvent__Output[] {
    return [...(this.stored.get(runId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** Waits until `predicate` holds (checked after each message), failing after `timeoutMs`. */
  async waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 25);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.server.forceShutdown();
  }

  private mustHaveStream(): SessionCall {
    if (!this.current) throw new Error('no agent session is open');
    return this.current;
  }

  private authorized(md: grpc.Metadata): boolean {
    return md.get('authorization')[0] === `Bearer ${this.token}`;
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
}

/** Starts a {@link ScriptedControlPlane} on 127.0.0.1:0. */
export async function startScriptedControlPlane(options: ScriptedControlPlaneOptions = {}): Promise<ScriptedControlPlane> {
  const peer = new ScriptedControlPlane(options);
  await peer.listen();
  return peer;
}
