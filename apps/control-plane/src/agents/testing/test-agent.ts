import * as grpc from '@grpc/grpc-js';
import {
  type AgentMessage,
  type AgentServiceClient,
  type ControlMessage__Output,
  loadAgentProto,
  type ReportCodeLocationsRequest,
  type ReportCodeLocationsResponse__Output,
  type WireRunEvent,
} from '@gantry/proto';

/** The `body` names of ControlMessage. */
export type ControlKind = NonNullable<ControlMessage__Output['body']>;

/** Metadata with `authorization: Bearer <token>` (none when token is undefined). */
export function bearer(token: string | undefined): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token !== undefined) md.set('authorization', `Bearer ${token}`);
  return md;
}

/** A raw AgentService client on loopback. */
export function agentClient(address: string): AgentServiceClient {
  const Ctor = loadAgentProto().gantry.agent.v1.AgentService;
  return new Ctor(address, grpc.credentials.createInsecure());
}

/** Calls ReportCodeLocations; rejects with the grpc ServiceError. */
export function reportCodeLocations(address: string, token: string | undefined, request: ReportCodeLocationsRequest): Promise<ReportCodeLocationsResponse__Output> {
  const client = agentClient(address);
  return new Promise<ReportCodeLocationsResponse__Output>((resolve, reject) => {
    client.ReportCodeLocations(request, bearer(token), { deadline: Date.now() + 10_000 }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response!);
    });
  });
}

/** Options of {@link TestAgent.connect}. */
export interface HelloOptions {
  name?: string;
  deployments?: string[];
  /** Queues served (Hello AgentInfo.queues; empty/absent: `default`). */
  queues?: string[];
  freeSlots?: number;
  runningRunIds?: string[];
  launcher?: string;
}

/**
 * A minimal agent for tests: one Session stream, every ControlMessage
 * recorded in order, helpers to wait for messages and the final status.
 */
export class TestAgent {
  readonly received: ControlMessage__Output[] = [];
  /** The stream's final status (OK or the error), once it ended. */
  readonly status: Promise<grpc.StatusObject>;
  private readonly consumed = new Set<ControlMessage__Output>();
  private readonly waiters = new Set<() => void>();
  private readonly client: AgentServiceClient;
  private readonly stream: grpc.ClientDuplexStream<AgentMessage, ControlMessage__Output>;

  private constructor(address: string, token: string | undefined) {
    this.client = agentClient(address);
    this.stream = this.client.Session(bearer(token));
    this.stream.on('data', (msg: ControlMessage__Output) => {
      this.received.push(msg);
      for (const w of [...this.waiters]) w();
    });
    this.status = new Promise((resolve) => {
      this.stream.on('status', (s: grpc.StatusObject) => resolve(s));
    });
    // Errors also arrive as 'status'; a listener keeps them from being thrown.
    this.stream.on('error', () => undefined);
  }

  /** Opens a Session without sending anything. */
  static open(address: string, token: string | undefined): TestAgent {
    return new TestAgent(address, token);
  }

  /** Opens a Session, sends Hello, waits for Welcome. */
  static async connect(address: string, token: string, hello: HelloOptions = {}): Promise<TestAgent & { agentId: string }> {
    const agent = new TestAgent(address, token);
    agent.send({
      hello: {
        agent: { name: hello.name ?? 'test-agent', version: '0.0.0-test', launcher: hello.launcher ?? 'process', deployments: hello.deployments ?? [], queues: hello.queues ?? [] },
        freeSlots: hello.freeSlots ?? 0,
        runningRunIds: hello.runningRunIds ?? [],
      },
    });
    const welcome = await agent.next('welcome');
    return Object.assign(agent, { agentId: welcome.welcome!.agentId });
  }

  send(msg: AgentMessage): void {
    this.stream.write(msg);
  }

  slots(freeSlots: number): void {
    this.send({ slots: { freeSlots } });
  }

  heartbeat(runIds: string[]): void {
    this.send({ heartbeat: { runIds } });
  }

  events(events: WireRunEvent[]): void {
    this.send({ events: { events } });
  }

  /** Messages of a kind received so far. */
  all(kind: ControlKind): ControlMessage__Output[] {
    return this.received.filter((m) => m.body === kind);
  }

  /** The next not yet returned message of `kind` matching `pred`; rejects after `timeoutMs`. */
  next(kind: ControlKind, pred: (m: ControlMessage__Output) => boolean = () => true, timeoutMs = 5000): Promise<ControlMessage__Output> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.find((m) => !this.consumed.has(m) && m.body === kind && pred(m));
        if (!found) return false;
        this.consumed.add(found);
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const waiter = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no ${kind} message within ${timeoutMs} ms; received: ${this.received.map((m) => m.body).join(', ') || 'nothing'}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(waiter);
    });
  }

  /** Waits until `pred` holds over everything received; rejects after `timeoutMs`. */
  until(pred: (received: readonly ControlMessage__Output[]) => boolean, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        if (!pred(this.received)) return;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`condition not met within ${timeoutMs} ms; received: ${this.received.map((m) => m.body).join(', ') || 'nothing'}`));
      }, timeoutMs);
      this.waiters.add(waiter);
      waiter();
    });
  }

  /** Half-closes the stream (graceful end from the agent side). */
  end(): void {
    this.stream.end();
  }

  /** Cancels the stream and closes the channel. */
  close(): void {
    this.stream.cancel();
    this.client.close();
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes (for database state in tests). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 5000, stepMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms (last value ${JSON.stringify(value)})`);
    await sleep(stepMs);
  }
}
