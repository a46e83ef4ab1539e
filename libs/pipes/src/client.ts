/**
 * The TypeScript Pipes client that customer code imports — the counterpart of
 * dagster_pipes' `open_dagster_pipes()` / `PipesContext`. It reads the
 * bootstrap params the orchestrator (the Gantry agent, or Dagster itself) put
 * in `DAGSTER_PIPES_CONTEXT` / `DAGSTER_PIPES_MESSAGES`, loads the run context
 * and writes messages back, one JSON line each.
 */
import { appendFileSync, readFileSync, writeSync } from 'node:fs';
import { decodePipesParams, PIPES_CONTEXT_CLI_ARG, PIPES_CONTEXT_ENV, PIPES_MESSAGES_CLI_ARG, PIPES_MESSAGES_ENV, type PipesParams } from './codec';
import { toRunContext, validatePipesContextData, type PipesContextData, type PipesRunContext } from './context';
import { formatPipesMessage, type PipesAssetCheckSeverity, type PipesException, type PipesMessage } from './messages';
import { normalizeMetadata, type PipesMetadataInput, type PipesMetadataValue } from './metadata';

/** Raised when the process was not launched through Pipes, its params are unusable, or a report breaks the protocol's rules. */
export class PipesClientError extends Error {
  override readonly name = 'PipesClientError';
  readonly code = 'PIPES_CLIENT';
}

/** Options of {@link PipesSession.reportAssetMaterialization}. */
export interface MaterializationReport {
  /** Asset key user string; defaults to the only asset in scope, required when several are. */
  assetKey?: string;
  metadata?: Readonly<Record<string, PipesMetadataInput>>;
  /** Data version of what was written (e.g. a content hash). */
  dataVersion?: string;
}

/** Options of {@link PipesSession.reportAssetCheck}. */
export interface AssetCheckReport {
  /** Asset key user string; defaults to the only asset in scope, required when several are. */
  assetKey?: string;
  checkName: string;
  passed: boolean;
  /** Default `ERROR`. */
  severity?: PipesAssetCheckSeverity;
  metadata?: Readonly<Record<string, PipesMetadataInput>>;
}

/** Logger whose records become `log` messages; level names are Python's. */
export interface PipesLogger {
  debug(message: string): void;
  info(message: string): void;
  /** Sent as level `WARNING`. */
  warn(message: string): void;
  /** Same as {@link PipesLogger.warn} (Python's name). */
  warning(message: string): void;
  error(message: string): void;
  critical(message: string): void;
}

/** Where a session's messages go (upstream `PipesMessageWriterChannel`); {@link openPipes} builds one from the message writer params. */
export interface PipesMessageChannel {
  /** Writes one formatted message line (newline included), synchronously. */
  write(line: string): void;
  /** Called by close (and, for buffered channels, at process exit). */
  flush(): void;
}

/**
 * An open Pipes connection. Every report is written synchronously before the
 * method returns, so nothing reported is lost when the process crashes
 * afterwards (except with `buffered_stdio`, which the orchestrator asks for
 * when it only reads output at the end; it is flushed at close and at exit).
 */
export class PipesSession {
  /** The run context in camelCase (asset keys, partitions, run id, extras, traceparent). */
  readonly context: PipesRunContext;
  private closed = false;
  private readonly materialized = new Set<string>();

  /** Prefer {@link openPipes}; this is for orchestrator-side tests that bring their own channel. */
  constructor(
    /** The context exactly as it came over the wire. */
    readonly data: PipesContextData,
    private readonly channel: PipesMessageChannel,
  ) {
    this.context = toRunContext(data);
  }

  /** The only asset in scope. Errors: PipesClientError when none or several are (upstream `asset_key`). */
  get assetKey(): string {
    const keys = this.context.assetKeys;
    if (keys.length !== 1) throw new PipesClientError(`assetKey is undefined: the step targets ${keys.length} assets`);
    return keys[0]!;
  }

  /** Whether {@link PipesSession.close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** An extra the orchestrator passed. Errors: PipesClientError when it is missing (upstream `get_extra`). */
  getExtra(key: string): unknown {
    if (!(key in this.data.extras)) throw new PipesClientError(`extra ${JSON.stringify(key)} is undefined; extras are ${Object.keys(this.data.extras).join(', ') || 'empty'}`);
    return this.data.extras[key];
  }

  /** Sends `log` messages. */
  readonly log: PipesLogger = {
    debug: (message) => this.sendLog('DEBUG', message),
    info: (message) => this.sendLog('INFO', message),
    warn: (message) => this.sendLog('WARNING', message),
    warning: (message) => this.sendLog('WARNING', message),
    error: (message) => this.sendLog('ERROR', message),
    critical: (message) => this.sendLog('CRITICAL', message),
  };

  /**
   * Reports that an asset was materialized, with metadata (normalized like
   * upstream, see `normalizeMetadata`) and an optional data version.
   * Errors: PipesClientError for an asset outside the context, a missing key
   * with several assets in scope, a second report for the same asset, or a
   * closed session; PipesMetadataError for an unsendable metadata value.
   */
  reportAssetMaterialization(report: MaterializationReport = {}): void {
    const assetKey = this.resolveAssetKey(report.assetKey, 'reportAssetMaterialization');
    if (this.materialized.has(assetKey)) throw new PipesClientError(`reportAssetMaterialization: asset ${assetKey} was already materialized in this step`);
    if (report.dataVersion !== undefined && typeof report.dataVersion !== 'string') throw new PipesClientError('reportAssetMaterialization: dataVersion must be a string');
    this.send({
      method: 'report_asset_materialization',
      params: { asset_key: assetKey, data_version: report.dataVersion ?? null, metadata: metadataOrNull(report.metadata) },
    });
    this.materialized.add(assetKey);
  }

  /**
   * Reports the result of an asset check. Errors: PipesClientError for an
   * asset outside the context, an empty check name, a non-boolean `passed`,
   * an unknown severity or a closed session.
   */
  reportAssetCheck(report: AssetCheckReport): void {
    const assetKey = this.resolveAssetKey(report.assetKey, 'reportAssetCheck');
    if (typeof report.checkName !== 'string' || report.checkName === '') throw new PipesClientError('reportAssetCheck: checkName must be a non-empty string');
    if (typeof report.passed !== 'boolean') throw new PipesClientError('reportAssetCheck: passed must be a boolean');
    const severity = report.severity ?? 'ERROR';
    if (severity !== 'WARN' && severity !== 'ERROR') throw new PipesClientError(`reportAssetCheck: severity must be "WARN" or "ERROR", got ${JSON.stringify(severity)}`);
    this.send({
      method: 'report_asset_check',
      params: { asset_key: assetKey, check_name: report.checkName, passed: report.passed, metadata: metadataOrNull(report.metadata), severity },
    });
  }

  /** Sends any JSON-serializable payload to the orchestrator (upstream `report_custom_message`). */
  reportCustomMessage(payload: unknown): void {
    this.send({ method: 'report_custom_message', params: { payload } });
  }

  /** Forwards captured output text of a stream (upstream `log_external_stream`). */
  logExternalStream(stream: 'stdout' | 'stderr', text: string): void {
    this.send({ method: 'log_external_stream', params: { stream, text, extras: {} } });
  }

  /**
   * Sends `closed` — with the error as a Pipes exception when one is given —
   * and flushes the channel. Idempotent: later calls do nothing.
   */
  close(error?: unknown): void {
    if (this.closed) return;
    this.send({ method: 'closed', params: error === undefined ? {} : { exception: toPipesException(error) } });
    this.closed = true;
    this.channel.flush();
  }

  private sendLog(level: string, message: string): void {
    this.send({ method: 'log', params: { message: String(message), level } });
  }

  /** Upstream `_resolve_optionally_passed_asset_key`. */
  private resolveAssetKey(given: string | undefined, method: string): string {
    if (given !== undefined && typeof given !== 'string') throw new PipesClientError(`${method}: assetKey must be a string`);
    const keys = this.context.assetKeys;
    if (keys.length > 0) {
      if (given) {
        if (!keys.includes(given)) throw new PipesClientError(`${method}: asset ${given} is not in this step's selection (${keys.join(', ')})`);
        return given;
      }
      if (keys.length !== 1) throw new PipesClientError(`${method}: pass an assetKey; ${keys.length} assets are in scope (${keys.join(', ')})`);
      return keys[0]!;
    }
    if (!given) throw new PipesClientError(`${method}: pass an assetKey; the step targets no specific asset`);
    return given;
  }

  private send(message: PipesMessage): void {
    if (this.closed) throw new PipesClientError(`cannot send ${message.method}: the pipes session is closed`);
    let line: string;
    try {
      line = formatPipesMessage(message);
    } catch (error) {
      throw new PipesClientError(`cannot send ${message.method}: not JSON-serializable (${(error as Error).message})`, { cause: error });
    }
    this.channel.write(line);
  }
}

function metadataOrNull(metadata: Readonly<Record<string, PipesMetadataInput>> | undefined): Record<string, PipesMetadataValue> | null {
  // Upstream sends null, not {}, for absent or empty metadata.
  const normalized = normalizeMetadata(metadata);
  return Object.keys(normalized).length === 0 ? null : normalized;
}

function errorName(e: Error): string {
  if (e.name && e.name !== 'Error') return e.name;
  const ctor = (e as { constructor?: { name?: string } }).constructor?.name;
  return ctor || 'Error';
}

/**
 * Converts a thrown value into the `PipesException` shape: `message`,
 * `stack` (the frames of `error.stack`, one per entry, without the first
 * "Name: message" line), `name` (the class name), `cause` (from
 * `error.cause`, up to 16 levels) and `context` (always null: JavaScript has
 * no implicit exception context).
 */
export function toPipesException(error: unknown, depth = 0): PipesException {
  const e = error instanceof Error ? error : new Error(typeof error === 'string' ? error : safeJson(error));
  const frames = (e.stack ?? '').split('\n').map((l) => l.trim());
  const firstFrame = frames.findIndex((l) => l.startsWith('at '));
  return {
    message: e.message,
    stack: firstFrame < 0 ? [] : frames.slice(firstFrame).filter((l) => l !== ''),
    name: errorName(e),
    cause: e.cause !== undefined && e.cause !== null && depth < 16 ? toPipesException(e.cause, depth + 1) : null,
    context: null,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      // A non-blocking pipe that is full: wait a millisecond and retry, keeping the write synchronous.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

function loadContext(params: PipesParams): PipesContextData {
  if ('path' in params) {
    const file = params['path'];
    if (typeof file !== 'string') throw new PipesClientError(`invalid ${PIPES_CONTEXT_ENV} params: "path" must be a string`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new PipesClientError(`cannot read the pipes context file ${file}: ${(error as Error).message}`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new PipesClientError(`the pipes context file ${file} is not JSON: ${(error as Error).message}`, { cause: error });
    }
    return validatePipesContextData(json);
  }
  if ('data' in params) return validatePipesContextData(params['data']);
  throw new PipesClientError(`invalid ${PIPES_CONTEXT_ENV} params: expected key "path" or "data", got ${JSON.stringify(params)}`);
}

function stdioFd(params: PipesParams, key: string): number {
  const stream = params[key];
  if (stream !== 'stdout' && stream !== 'stderr') throw new PipesClientError(`invalid ${PIPES_MESSAGES_ENV} params: "${key}" must be "stdout" or "stderr", got ${JSON.stringify(stream)}`);
  return stream === 'stdout' ? 1 : 2;
}

/** Upstream `PipesDefaultMessageWriter.open`: `path` (append a line per message), `stdio`, or `buffered_stdio`. */
function openChannel(params: PipesParams): PipesMessageChannel {
  if ('path' in params) {
    const file = params['path'];
    if (typeof file !== 'string') throw new PipesClientError(`invalid ${PIPES_MESSAGES_ENV} params: "path" must be a string`);
    return { write: (line) => appendFileSync(file, line, 'utf8'), flush: () => undefined };
  }
  if ('stdio' in params) {
    const fd = stdioFd(params, 'stdio');
    return { write: (line) => writeAllSync(fd, line), flush: () => undefined };
  }
  if ('buffered_stdio' in params) {
    const fd = stdioFd(params, 'buffered_stdio');
    let buffer: string[] = [];
    const flush = (): void => {
      if (buffer.length > 0) writeAllSync(fd, buffer.join(''));
      buffer = [];
    };
    process.once('exit', flush);
    return { write: (line) => void buffer.push(line), flush };
  }
  throw new PipesClientError(`invalid ${PIPES_MESSAGES_ENV} params: expected key "path", "stdio" or "buffered_stdio", got ${JSON.stringify(params)}`);
}

/** Options of {@link openPipes}. */
export interface OpenPipesOptions {
  /** Where to read the Pipes variables; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Command line searched for `--dagster-pipes-context` / `--dagster-pipes-messages` when the variables are absent; default `process.argv`. */
  argv?: readonly string[];
}

function cliArg(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === flag) return argv[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

/**
 * Opens the Pipes connection: decodes the context and message params from
 * `DAGSTER_PIPES_CONTEXT` / `DAGSTER_PIPES_MESSAGES` (or, failing that, the
 * `--dagster-pipes-context` / `--dagster-pipes-messages` arguments), loads the
 * context from its file or inline `data`, opens the message channel (file,
 * stdout/stderr, or buffered stdout/stderr) and sends `opened`.
 * Errors: PipesClientError when the process was not launched through Pipes
 * or the channel params are unusable; PipesParamsError for undecodable
 * params; PipesContextError for a context of the wrong shape.
 */
export function openPipes(options: OpenPipesOptions = {}): PipesSession {
  const env = options.env ?? process.env;
  const argv = options.argv ?? process.argv;
  const rawContext = env[PIPES_CONTEXT_ENV] || cliArg(argv, PIPES_CONTEXT_CLI_ARG);
  const rawMessages = env[PIPES_MESSAGES_ENV] || cliArg(argv, PIPES_MESSAGES_CLI_ARG);
  if (!rawContext || !rawMessages) {
    throw new PipesClientError(`not launched through pipes: ${PIPES_CONTEXT_ENV} and ${PIPES_MESSAGES_ENV} must be set (or ${PIPES_CONTEXT_CLI_ARG} and ${PIPES_MESSAGES_CLI_ARG} passed)`);
  }
  const data = loadContext(decodePipesParams(rawContext));
  const channel = openChannel(decodePipesParams(rawMessages));
  channel.write(formatPipesMessage({ method: 'opened', params: { extras: {} } }));
  return new PipesSession(data, channel);
}

/**
 * Runs `body` inside a Pipes session, like Python's
 * `with open_dagster_pipes() as pipes:` — closes the session when `body`
 * returns, or closes it with the error and rethrows when `body` throws.
 * Errors: those of {@link openPipes}, and whatever `body` throws.
 */
export async function withPipes<T>(body: (pipes: PipesSession) => Promise<T> | T, options: OpenPipesOptions = {}): Promise<T> {
  const pipes = openPipes(options);
  try {
    const result = await body(pipes);
    pipes.close();
    return result;
  } catch (error) {
    pipes.close(error);
    throw error;
  }
}
