import { appendFileSync, readFileSync, writeSync } from 'node:fs';
import { decodePipesParams, PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV } from './codec';
import { TRACEPARENT_EXTRA, type PipesContextData } from './context';
import { formatPipesMessage, type PipesException, type PipesMessage } from './messages';
import { normalizeMetadata, type PipesMetadataInput } from './metadata';

/** Raised when the process was not launched through Pipes, or its params are unusable. */
export class PipesClientError extends Error {
  readonly code = 'PIPES_CLIENT';
}

/** Log levels of the Pipes `log` method (Python logging level names). */
export type PipesLogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** Options of {@link PipesSession.reportAssetMaterialization}. */
export interface MaterializationReport {
  /** Defaults to the only asset in scope; required when several are. */
  assetKey?: string;
  metadata?: Record<string, PipesMetadataInput>;
  dataVersion?: string;
}

/** Options of {@link PipesSession.reportAssetCheck}. */
export interface AssetCheckReport {
  assetKey?: string;
  checkName: string;
  passed: boolean;
  severity?: 'WARN' | 'ERROR';
  metadata?: Record<string, PipesMetadataInput>;
}

type Write = (line: string) => void;

/**
 * An open Pipes connection of the customer process — the TypeScript
 * counterpart of dagster_pipes' `PipesContext`. Writes are synchronous, so a
 * message reported before a crash is never lost.
 */
export class PipesSession {
  private closed = false;
  private readonly materialized = new Set<string>();

  /** @internal use {@link openPipes} */
  constructor(
    readonly context: PipesContextData,
    private readonly write: Write,
  ) {}

  /** Asset keys in scope ("a/b" strings). */
  get assetKeys(): string[] {
    return this.context.asset_keys ?? [];
  }
  get runId(): string {
    return this.context.run_id;
  }
  get partitionKey(): string | null {
    return this.context.partition_key;
  }
  get partitionKeyRange(): { start: string; end: string } | null {
    return this.context.partition_key_range;
  }
  get extras(): Record<string, unknown> {
    return this.context.extras;
  }
  /** W3C traceparent of the run's launch span, to parent the process's own spans. */
  get traceparent(): string | undefined {
    const tp = this.context.extras[TRACEPARENT_EXTRA];
    return typeof tp === 'string' ? tp : undefined;
  }

  readonly log = {
    debug: (message: string) => this.send({ method: 'log', params: { message, level: 'DEBUG' } }),
    info: (message: string) => this.send({ method: 'log', params: { message, level: 'INFO' } }),
    warning: (message: string) => this.send({ method: 'log', params: { message, level: 'WARNING' } }),
    error: (message: string) => this.send({ method: 'log', params: { message, level: 'ERROR' } }),
  };

  /** Reports a materialization. Errors: PipesClientError for an asset outside the context or reported twice. */
  reportAssetMaterialization(report: MaterializationReport = {}): void {
    const assetKey = this.resolveAssetKey(report.assetKey, 'reportAssetMaterialization');
    if (this.materialized.has(assetKey)) throw new PipesClientError(`asset ${assetKey} was already materialized in this run`);
    this.materialized.add(assetKey);
    this.send({
      method: 'report_asset_materialization',
      params: { asset_key: assetKey, data_version: report.dataVersion ?? null, metadata: normalizeMetadata(report.metadata) },
    });
  }

  /** Reports an asset check result. */
  reportAssetCheck(report: AssetCheckReport): void {
    const assetKey = this.resolveAssetKey(report.assetKey, 'reportAssetCheck');
    this.send({
      method: 'report_asset_check',
      params: {
        asset_key: assetKey,
        check_name: report.checkName,
        passed: report.passed,
        severity: report.severity ?? 'ERROR',
        metadata: report.metadata ? normalizeMetadata(report.metadata) : null,
      },
    });
  }

  /** Sends any JSON-serializable payload to the orchestrator. */
  reportCustomMessage(payload: unknown): void {
    this.send({ method: 'report_custom_message', params: { payload } });
  }

  /** Sends `closed` (with the error, if any). Idempotent. */
  close(error?: unknown): void {
    if (this.closed) return;
    this.send({ method: 'closed', params: error === undefined ? {} : { exception: toPipesException(error) } });
    this.closed = true;
  }

  private resolveAssetKey(given: string | undefined, method: string): string {
    const keys = this.assetKeys;
    if (given !== undefined) {
      if (!keys.includes(given)) throw new PipesClientError(`${method}: asset ${given} is not in this run's selection (${keys.join(', ')})`);
      return given;
    }
    if (keys.length !== 1) throw new PipesClientError(`${method}: pass an assetKey; ${keys.length} assets are in scope`);
    return keys[0]!;
  }

  private send(message: PipesMessage): void {
    if (this.closed) throw new PipesClientError(`cannot send ${message.method}: the pipes session is closed`);
    this.write(formatPipesMessage(message));
  }
}

/** Converts a thrown value into Dagster Pipes' exception shape. */
export function toPipesException(error: unknown): PipesException {
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    message: e.message,
    stack: (e.stack ?? '').split('\n').slice(1).map((l) => l.trim()),
    name: e.name,
    cause: e.cause !== undefined ? toPipesException(e.cause) : null,
    context: null,
  };
}

function loadContext(params: unknown): PipesContextData {
  if (params && typeof params === 'object' && 'path' in params && typeof params.path === 'string') {
    return JSON.parse(readFileSync(params.path, 'utf8')) as PipesContextData;
  }
  if (params && typeof params === 'object' && 'data' in params && typeof params.data === 'object' && params.data) {
    return params.data as PipesContextData;
  }
  throw new PipesClientError(`invalid ${PIPES_CONTEXT_ENV} params: expected "path" or "data", got ${JSON.stringify(params)}`);
}

function openWriter(params: unknown): Write {
  if (params && typeof params === 'object' && 'path' in params && typeof params.path === 'string') {
    const file = params.path;
    return (line) => appendFileSync(file, line, 'utf8');
  }
  if (params && typeof params === 'object' && 'stdio' in params && (params.stdio === 'stdout' || params.stdio === 'stderr')) {
    const fd = params.stdio === 'stdout' ? 1 : 2;
    return (line) => void writeSync(fd, line);
  }
  throw new PipesClientError(`invalid ${PIPES_MESSAGES_ENV} params: expected "path" or "stdio", got ${JSON.stringify(params)}`);
}

/**
 * Opens the Pipes connection from `DAGSTER_PIPES_CONTEXT` and
 * `DAGSTER_PIPES_MESSAGES` (or the given env) and sends `opened`.
 * Errors: PipesClientError when the variables are missing or malformed.
 */
export function openPipes(env: Record<string, string | undefined> = process.env): PipesSession {
  const rawContext = env[PIPES_CONTEXT_ENV];
  const rawMessages = env[PIPES_MESSAGES_ENV];
  if (!rawContext || !rawMessages) throw new PipesClientError(`not launched through pipes: ${PIPES_CONTEXT_ENV} and ${PIPES_MESSAGES_ENV} must be set`);
  const context = loadContext(decodePipesParams(rawContext));
  const write = openWriter(decodePipesParams(rawMessages));
  const session = new PipesSession(context, write);
  write(formatPipesMessage({ method: 'opened', params: { extras: {} } }));
  return session;
}
