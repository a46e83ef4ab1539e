import { Worker } from 'node:worker_threads';
import { AssetGraphCycleError } from './graph-layout.errors';
import type { LayoutReply, LayoutRequest } from './graph-layout.protocol';
import type { AssetGraphInput, AssetGraphLayoutData } from './layout-asset-graph';

/** The worker's source, TypeScript. */
const WORKER_FILE = new URL('./graph-layout.worker.ts', import.meta.url).href;

/**
 * The thread's bootstrap: registers tsx (a runtime dependency; the control
 * plane runs under `node --import tsx`) in the thread, then imports the
 * worker. `execArgv: ['--import', 'tsx']` is not enough on Node 20: the
 * thread resolves its entry file before tsx's hooks apply.
 */
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_FILE)}); });`;

/** Longest a layout may take before the worker is stopped and the layout fails, ms (5,000 assets take seconds). */
export const DEFAULT_LAYOUT_TIMEOUT_MS = 120_000;

/** A layout and how long it took inside the worker. */
export interface TimedLayout {
  layout: AssetGraphLayoutData;
  /** ms */
  durationMs: number;
}

interface Pending {
  resolve: (value: TimedLayout) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One worker thread (node:worker_threads) that runs {@link layoutAssetGraph}
 * for the replica, so a layout of thousands of assets never blocks the API's
 * event loop. Started on the first job; jobs queue inside the worker, one at
 * a time. A job taking longer than `timeoutMs` terminates the worker (failing
 * every job in it); a crashed worker fails its jobs and the next job starts a
 * new one. The thread is unref'd: it never keeps the process alive.
 */
export class GraphLayoutWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly timeoutMs = DEFAULT_LAYOUT_TIMEOUT_MS) {}

  /** Lays out `assets` in the worker. Errors: AssetGraphCycleError; Error when the worker fails, times out or is closed. */
  layout(assets: AssetGraphInput[]): Promise<TimedLayout> {
    if (this.closed) return Promise.reject(new Error('the graph layout worker is closed'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<TimedLayout>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(worker, new Error(`graph layout of ${assets.length} assets took longer than ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      const request: LayoutRequest = { id, assets };
      worker.postMessage(request);
    });
  }

  /** Stops the worker; pending and later jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (worker) {
      this.fail(worker, new Error('the graph layout worker is closed'));
      await worker.terminate();
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(BOOTSTRAP, { eval: true, execArgv: [] });
    worker.unref();
    worker.on('message', (reply: LayoutReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(worker, new Error(`graph layout worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.fail(worker, new Error(`graph layout worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: LayoutReply): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    clearTimeout(job.timer);
    if (reply.ok) job.resolve({ layout: reply.layout, durationMs: reply.durationMs });
    else job.reject(reply.cycleKeys ? new AssetGraphCycleError(reply.cycleKeys) : new Error(reply.message));
  }

  /** Fails every job of `worker` and forgets it (terminating it when it still runs). */
  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const job of this.pending.values()) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    this.pending.clear();
    void worker.terminate();
  }
}
