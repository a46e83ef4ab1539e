import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodePipesParams, PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV, type PipesContextData } from '@gantry/pipes';
import type { LaunchedRun, RunLauncher, RunLaunchRequest } from './run-launcher';

/** What the process launcher needs to start one run's process. */
export interface ProcessLaunchSpec {
  runId: string;
  /** argv; `command[0]` is resolved through PATH. */
  command: string[];
  /** Absolute working directory. */
  workingDirectory: string;
  /** Variables added on top of the agent's own environment. */
  env: Record<string, string>;
  /** The Pipes context written to the context file. */
  context: PipesContextData;
  /** A folder owned by this run (created, and removed by {@link LaunchedProcess.cleanup}). */
  runDir: string;
}

/** How a launched process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started customer process. */
export interface LaunchedProcess {
  pid: number | undefined;
  /** Path of the Pipes messages file the process appends to. */
  messagesPath: string;
  /** Fires with each chunk of stdout / stderr. */
  onOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): void;
  /** Resolves once the process exited and its stdio closed. */
  exited: Promise<ProcessExit>;
  /** Sends a signal to the process group (the process and its children). */
  signal(sig: NodeJS.Signals): void;
  /** Removes the run folder. */
  cleanup(): Promise<void>;
}

/** Raised when the process could not be started (missing binary, bad working directory). */
export class ProcessLaunchError extends Error {
  readonly code = 'PROCESS_LAUNCH_FAILED';
}

/**
 * The `process` launcher: runs the code location's command as a child process
 * of the agent with the Dagster Pipes bootstrap variables
 * (`DAGSTER_PIPES_CONTEXT` = `{path: <context.json>}`, `DAGSTER_PIPES_MESSAGES`
 * = `{path: <messages.jsonl>}`, both base64(zlib(JSON))) and `GANTRY_RUN_ID`.
 * The child leads its own process group so cancel and timeout reach its children.
 * Errors: ProcessLaunchError when spawning fails.
 */
export async function launchProcess(spec: ProcessLaunchSpec): Promise<LaunchedProcess> {
  await mkdir(spec.runDir, { recursive: true });
  const contextPath = path.join(spec.runDir, 'context.json');
  const messagesPath = path.join(spec.runDir, 'messages.jsonl');
  await writeFile(contextPath, JSON.stringify(spec.context));
  await writeFile(messagesPath, '');
  const [file, ...args] = spec.command;
  if (!file) throw new ProcessLaunchError('the code location has an empty command');

  const child: ChildProcess = spawn(file, args, {
    cwd: spec.workingDirectory,
    env: {
      ...process.env,
      ...spec.env,
      [PIPES_CONTEXT_ENV]: encodePipesParams({ path: contextPath }),
      [PIPES_MESSAGES_ENV]: encodePipesParams({ path: messagesPath }),
      GANTRY_RUN_ID: spec.runId,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });

  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (error) => reject(new ProcessLaunchError(`failed to start ${JSON.stringify(file)} in ${spec.workingDirectory}: ${error.message}`)));
  });

  const listeners: ((stream: 'stdout' | 'stderr', chunk: Buffer) => void)[] = [];
  child.stdout?.on('data', (chunk: Buffer) => listeners.forEach((l) => l('stdout', chunk)));
  child.stderr?.on('data', (chunk: Buffer) => listeners.forEach((l) => l('stderr', chunk)));
  const exited = new Promise<ProcessExit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));

  return {
    pid: child.pid,
    messagesPath,
    onOutput: (listener) => listeners.push(listener),
    exited,
    signal: (sig) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        child.kill(sig);
      }
    },
    cleanup: () => rm(spec.runDir, { recursive: true, force: true }),
  };
}

/**
 * The {@link RunLauncher} of `GANTRY_AGENT_LAUNCHER=process`: each run is a
 * child process of the agent (see {@link launchProcess}); messages arrive in a
 * file. `stop(false)` sends SIGTERM to the process group, `stop(true)`
 * SIGKILL. Runs do not outlive the agent, so there is no adoption.
 */
export class ProcessRunLauncher implements RunLauncher {
  readonly kind = 'process' as const;

  async launch(request: RunLaunchRequest): Promise<LaunchedRun> {
    const proc = await launchProcess({
      runId: request.runId,
      command: request.location.command,
      workingDirectory: request.location.workingDirectory,
      env: request.location.env,
      context: request.context,
      runDir: request.runDir,
    });
    return {
      handle: String(proc.pid ?? ''),
      messagesPath: proc.messagesPath,
      details: { pid: proc.pid },
      onOutput: (listener) => proc.onOutput(listener),
      exited: proc.exited,
      stop: (force) => {
        proc.signal(force ? 'SIGKILL' : 'SIGTERM');
        return Promise.resolve();
      },
      cleanup: () => proc.cleanup(),
    };
  }
}
