import { assetKeyToString, parseAssetKey, parseReportedCosts } from '@gantry/domain';
import { DEFAULT_MAX_MESSAGE_BYTES, parsePipesMessageLine, resolveMetadataTypes, type PipesException } from '@gantry/pipes';
import type { RunEventInput } from '../runs/event-sequencer';
import type { SplitLine } from './line-splitter';

/** Options of {@link PipesBridge}. */
export interface PipesBridgeOptions {
  /** Asset keys ("a/b") the run may report on; anything else is refused. */
  selection: readonly string[];
  /** Partition key of the run, copied into materializations (null when unpartitioned). */
  partitionKey: string | null;
  /** Largest accepted message, bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** Receives the event each message becomes. */
  emit: (event: RunEventInput) => void;
}

const LINE_SAMPLE_BYTES = 1024;

function sample(line: string): string {
  return Buffer.byteLength(line, 'utf8') <= LINE_SAMPLE_BYTES ? line : Buffer.from(line, 'utf8').subarray(0, LINE_SAMPLE_BYTES).toString('utf8');
}

function normalizeKey(key: string): string | undefined {
  try {
    return assetKeyToString(parseAssetKey(key));
  } catch {
    return undefined;
  }
}

/**
 * Turns Dagster Pipes message lines (from the messages file or stdout/stderr)
 * into run events. Never throws: a malformed, unknown, oversized or
 * out-of-selection message becomes a PIPES_ERROR event and the run goes on.
 * Remembers whether `opened`/`closed` arrived and the exception of `closed`.
 */
export class PipesBridge {
  private readonly selection: Set<string>;
  private opened = false;
  private closedMessage = false;
  private closedException: PipesException | undefined;

  constructor(private readonly options: PipesBridgeOptions) {
    this.selection = new Set(options.selection.map((k) => normalizeKey(k) ?? k));
  }

  /** True once `opened` arrived. */
  get wasOpened(): boolean {
    return this.opened;
  }
  /** True once `closed` arrived. */
  get wasClosed(): boolean {
    return this.closedMessage;
  }
  /** The exception `closed` carried, if any. */
  get exception(): PipesException | undefined {
    return this.closedException;
  }

  /** Handles one line of a message channel (from a {@link LineSplitter}). */
  handle(line: SplitLine): void {
    const max = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (line.kind === 'oversized') {
      this.error(`pipes message of ${line.bytes} bytes exceeds the limit of ${max} bytes`, line.head);
      return;
    }
    if (line.text.trim() === '') return;
    this.handleText(line.text, max);
  }

  private handleText(text: string, maxBytes: number): void {
    const parsed = parsePipesMessageLine(text, { maxBytes });
    if (!parsed.ok) {
      this.error(parsed.reason, text);
      return;
    }
    const m = parsed.message;
    switch (m.method) {
      case 'opened':
        this.opened = true;
        this.options.emit({ type: 'PIPES_OPENED', payload: m.params.extras ? { extras: m.params.extras } : {} });
        return;
      case 'closed':
        this.closedMessage = true;
        this.closedException = m.params.exception ?? undefined;
        this.options.emit({ type: 'PIPES_CLOSED', payload: m.params.exception ? { exception: m.params.exception } : {} });
        return;
      case 'log':
        this.options.emit({ type: 'LOG', level: m.params.level, message: m.params.message });
        return;
      case 'report_asset_materialization': {
        const key = this.checkKey(m.params.asset_key, 'report_asset_materialization', text);
        if (key === undefined) return;
        const metadata = resolveMetadataTypes(m.params.metadata);
        this.options.emit({
          type: 'ASSET_MATERIALIZATION',
          assetKey: key,
          payload: { metadata, dataVersion: m.params.data_version ?? null, partitionKey: this.options.partitionKey },
        });
        // Reported costs that break the convention are refused (the control plane stores no record for them); say so in the run.
        for (const p of parseReportedCosts(metadata).problems) {
          this.options.emit({ type: 'LOG', level: 'WARNING', assetKey: key, message: `reported cost refused: ${p.key} on ${key}: ${p.reason}`, payload: { costProblem: p } });
        }
        return;
      }
      case 'report_asset_check': {
        const key = this.checkKey(m.params.asset_key, 'report_asset_check', text);
        if (key === undefined) return;
        this.options.emit({
          type: 'ASSET_CHECK_EVALUATION',
          assetKey: key,
          level: m.params.passed ? 'INFO' : m.params.severity === 'WARN' ? 'WARNING' : 'ERROR',
          payload: { checkName: m.params.check_name, passed: m.params.passed, severity: m.params.severity ?? 'ERROR', metadata: resolveMetadataTypes(m.params.metadata) },
        });
        return;
      }
      case 'report_custom_message':
        this.options.emit({ type: 'CUSTOM_MESSAGE', payload: { payload: m.params.payload } });
        return;
      case 'log_external_stream':
        this.options.emit({ type: 'COMPUTE_LOG', message: m.params.text, payload: { stream: m.params.stream === 'stderr' ? 'stderr' : 'stdout' } });
        return;
    }
  }

  /** The normalized key when it is inside the selection; otherwise emits PIPES_ERROR and returns undefined. */
  private checkKey(raw: string | null, method: string, text: string): string | undefined {
    if (raw === null || raw === undefined) {
      if (this.selection.size === 1) return [...this.selection][0];
      this.error(`pipes ${method}: asset_key is required when the run has ${this.selection.size} assets in scope`, text);
      return undefined;
    }
    const key = normalizeKey(raw);
    if (key === undefined || !this.selection.has(key)) {
      this.error(`pipes ${method}: asset ${JSON.stringify(raw)} is not in the run's selection (${[...this.selection].join(', ') || 'empty'})`, text);
      return undefined;
    }
    return key;
  }

  private error(reason: string, line: string): void {
    this.options.emit({ type: 'PIPES_ERROR', level: 'ERROR', message: reason, payload: { line: sample(line) } });
  }
}
