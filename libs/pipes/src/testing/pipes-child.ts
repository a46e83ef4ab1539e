/**
 * Test helper: runs a customer process the way the agent's process launcher
 * does (a context file, messages on a file channel or on stderr) and parses
 * every message it wrote, failing the test on a line that does not parse.
 * Shared by the example code locations' tests (`@gantry/pipes/testing`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodePipesParams, PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV } from '../codec';
import type { PipesContextData } from '../context';
import { isPipesMessageLine, parsePipesMessageLine, type PipesMessage, type PipesMethodParams } from '../messages';

/** What to launch and with which Pipes context. */
export interface PipesChildOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  context: PipesContextData;
  /** `file` (default): a messages file the child appends to; `stderr`: the stdio channel on stderr. */
  channel?: 'file' | 'stderr';
  /** Extra environment variables, on top of this process's. */
  env?: Record<string, string>;
}

/** The outcome of {@link runPipesChild}. */
export interface PipesChildRun {
  /** Exit code; null when a signal ended the process. */
  code: number | null;
  /** All of stderr (with the stderr channel, the message lines too). */
  stderr: string;
  /** Every message written, in order. */
  messages: PipesMessage[];
  /** Wall-clock time from spawn to exit, ms, process start included. */
  ms: number;
}

/** Runs the child to its end. Rejects when it cannot be spawned; fails an assertion on an unparseable message line. */
export async function runPipesChild(options: PipesChildOptions): Promise<PipesChildRun> {
  const channel = options.channel ?? 'file';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-pipes-child-'));
  try {
    const contextFile = path.join(dir, 'context.json');
    const messagesFile = path.join(dir, 'messages.jsonl');
    writeFileSync(contextFile, JSON.stringify(options.context));
    const started = performance.now();
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        [PIPES_CONTEXT_ENV]: encodePipesParams({ path: contextFile }),
        [PIPES_MESSAGES_ENV]: encodePipesParams(channel === 'file' ? { path: messagesFile } : { stdio: 'stderr' }),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const ms = Math.round(performance.now() - started);
    const text = channel === 'stderr' ? stderr : existsSync(messagesFile) ? readFileSync(messagesFile, 'utf8') : '';
    const messages = text
      .split('\n')
      .filter((line) => (channel === 'stderr' ? isPipesMessageLine(line) : line.length > 0))
      .map((line) => {
        const parsed = parsePipesMessageLine(line);
        assert.ok(parsed.ok, `the child wrote a line we cannot parse: ${parsed.ok ? '' : parsed.reason}: ${line.slice(0, 200)}`);
        return parsed.message;
      });
    return { code, stderr, messages, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The params of every message of `method`, in order. */
export function paramsOf<M extends PipesMessage['method']>(messages: readonly PipesMessage[], method: M): PipesMethodParams[M][] {
  return messages.filter((m) => m.method === method).map((m) => m.params as PipesMethodParams[M]);
}
