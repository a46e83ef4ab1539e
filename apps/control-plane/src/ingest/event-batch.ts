import type { WireRunEvent__Output } from '@gantry/proto';
import { isUuid } from '../agents/uuid';

/**
 * A RunEventBatch turned into the column arrays of one `unnest` insert:
 * deduplicated on (runId, seq) (first occurrence wins), sorted by runId then
 * seq (a stable lock order between concurrent batches), every value safe for
 * PostgreSQL (no NUL characters, payloads valid `jsonb` objects).
 */
export interface PreparedEventBatch {
  runIds: string[];
  seqs: number[];
  types: string[];
  levels: Array<string | null>;
  messages: Array<string | null>;
  assetKeys: Array<string | null>;
  /** JSON object text per event. */
  payloads: string[];
  /** Milliseconds since the Unix epoch. */
  timestampsMs: number[];
  /** Distinct run ids of the accepted events (lower-case UUIDs). */
  distinctRunIds: string[];
  /** Highest seq per run id in the batch. */
  maxSeqByRun: Map<string, number>;
  /** Run ids that are not UUIDs (never stored, never acked). */
  invalidRunIds: string[];
  /** Events dropped or altered, for the log: `seq` < 1 dropped; bad payloads stored as `{ _payloadError }`. */
  problems: Array<{ runId: string; seq: number; problem: string }>;
}

/** Key under which a stored payload explains why the agent's payload_json was replaced. */
export const PAYLOAD_ERROR_KEY = '_payloadError';

const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// JSON escapes PostgreSQL's jsonb refuses: \u0000, and surrogates (valid pairs are re-encoded too, harmlessly).
const RISKY_ESCAPE = /\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;

/** Removes NUL characters (PostgreSQL text refuses them) and replaces lone surrogates with U+FFFD. */
export function cleanText(value: string): string {
  return value.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

function cleanDeep(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [cleanText(k), cleanDeep(v)]));
  }
  return value;
}

/**
 * The payload to store for `payload_json`: the text itself when it is a JSON
 * object PostgreSQL accepts, a cleaned re-encoding when it holds escapes jsonb
 * refuses, `{}` when empty, and `{ "_payloadError": "<why>" }` when it is not
 * a JSON object (the event is still stored).
 */
export function preparePayload(raw: string): { json: string; problem?: string } {
  if (raw.trim() === '') return { json: '{}' };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    const problem = `payload_json is not valid JSON (${(error as Error).message}); ${raw.length} characters dropped`;
    return { json: JSON.stringify({ [PAYLOAD_ERROR_KEY]: problem }), problem };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    const problem = `payload_json is not a JSON object (got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}); dropped`;
    return { json: JSON.stringify({ [PAYLOAD_ERROR_KEY]: problem }), problem };
  }
  return { json: RISKY_ESCAPE.test(raw) ? JSON.stringify(cleanDeep(value)) : raw };
}

const orNull = (s: string): string | null => (s === '' ? null : cleanText(s));

/** Prepares a batch; pure and never throws (bad events are dropped or stored with a note). */
export function prepareEventBatch(events: readonly WireRunEvent__Output[], nowMs = Date.now()): PreparedEventBatch {
  const problems: PreparedEventBatch['problems'] = [];
  const invalid = new Set<string>();
  const seen = new Set<string>();
  const accepted: Array<{ runId: string; e: WireRunEvent__Output }> = [];
  for (const e of events) {
    if (!isUuid(e.runId)) {
      invalid.add(e.runId);
      continue;
    }
    const runId = e.runId.toLowerCase();
    if (!Number.isInteger(e.seq) || e.seq < 1) {
      problems.push({ runId, seq: e.seq, problem: 'seq must be >= 1; event dropped' });
      continue;
    }
    const key = `${runId}:${e.seq}`;
    if (seen.has(key)) continue;
    seen.add(key);
    accepted.push({ runId, e });
  }
  accepted.sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : a.e.seq - b.e.seq));

  const out: PreparedEventBatch = {
    runIds: [],
    seqs: [],
    types: [],
    levels: [],
    messages: [],
    assetKeys: [],
    payloads: [],
    timestampsMs: [],
    distinctRunIds: [],
    maxSeqByRun: new Map(),
    invalidRunIds: [...invalid],
    problems,
  };
  for (const { runId, e } of accepted) {
    const payload = preparePayload(e.payloadJson);
    if (payload.problem) problems.push({ runId, seq: e.seq, problem: payload.problem });
    out.runIds.push(runId);
    out.seqs.push(e.seq);
    out.types.push(e.type === '' ? 'UNKNOWN' : cleanText(e.type));
    out.levels.push(orNull(e.level));
    out.messages.push(orNull(e.message));
    out.assetKeys.push(orNull(e.assetKey));
    out.payloads.push(payload.json);
    out.timestampsMs.push(Number.isFinite(e.timestampMs) && e.timestampMs > 0 ? e.timestampMs : nowMs);
    const max = out.maxSeqByRun.get(runId);
    if (max === undefined) out.distinctRunIds.push(runId);
    if (max === undefined || e.seq > max) out.maxSeqByRun.set(runId, e.seq);
  }
  return out;
}
