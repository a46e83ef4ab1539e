import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@gantry/db';

const LOG_DIR = path.resolve(import.meta.dirname, '../../.gantry/bench-logs');

/**
 * A Gantry service started for a benchmark as its own process, output in
 * `.gantry/bench-logs/<name>.log`. `nodeArgs` go before the entry (default: the tsx loader).
 */
export function startChildProcess(name: string, entry: string, env: Record<string, string>, nodeArgs: string[] = ['--import', 'tsx']) {
  mkdirSync(LOG_DIR, { recursive: true });
  const log = createWriteStream(path.join(LOG_DIR, `${name}.log`));
  // BENCH_NODE_ARGS adds node flags to the services, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them.
  const extra = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, ...nodeArgs, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  // A benchmark that crashes must not leave its services running and skewing the next measurement.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  return {
    /** Process id of the service (for /proc sampling). */
    pid: child.pid!,
    /** Polls the URL until it answers 2xx; rejects after 60 s or when the process exits. */
    async waitHttp(url: string): Promise<void> {
      let dead = false;
      void exited.then(() => (dead = true));
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
        if (dead) throw new Error(`${name} exited; see ${LOG_DIR}/${name}.log`);
        if (await fetch(url).then((r) => r.ok, () => false)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${name} did not become ready`);
    },
    async stop(): Promise<void> {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A control plane started as its own process for a benchmark, ready to serve. */
export interface BenchControlPlane {
  baseUrl: string;
  grpcAddress: string;
  stop(): Promise<void>;
}

/** Starts `apps/control-plane` on free ports against `databaseUrl` and waits for `/readyz`. */
export async function startBenchControlPlane(databaseUrl: string, env: Record<string, string> = {}): Promise<BenchControlPlane> {
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const cp = startChildProcess('control-plane', path.resolve(import.meta.dirname, '../../apps/control-plane/src/main.ts'), {
    DATABASE_URL: databaseUrl,
    GANTRY_HTTP_PORT: String(httpPort),
    GANTRY_GRPC_PORT: String(grpcPort),
    GANTRY_LOG_LEVEL: 'warn',
    // The load generator is one API token: the per-credential rate limit would throttle the benchmark, not measure it.
    GANTRY_RATE_LIMIT_PER_ACTOR: '100000000',
    ...env,
  });
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  await cp.waitHttp(`${baseUrl}/readyz`);
  return { baseUrl, grpcAddress: `127.0.0.1:${grpcPort}`, stop: () => cp.stop() };
}
