/**
 * The audit log's per-organization hash chain (table `audit_events`): how an
 * event is appended and how a chain is verified. Shared by the control plane
 * (AuditLog, `auditLogVerify`) and the CLI (`gantry audit verify`), so both
 * compute the hash the same way.
 *
 * ## Hash construction (version 1)
 *
 * `hash = lowercase hex SHA-256( UTF-8( canonicalJson(document) ) )` where
 * `document` holds every column of the row except `hash` itself:
 *
 * ```
 * { id, org_id, seq, occurred_at, actor_kind, actor_id, actor_label, action,
 *   target_type, target_id, outcome, before, after, metadata, source_ip,
 *   user_agent, prev_hash }
 * ```
 *
 * - `seq` is a JSON number (1, 2, … per organization);
 * - `occurred_at` is ISO 8601 in UTC with milliseconds (`2026-11-23T12:00:00.000Z`),
 *   the column's precision (`timestamptz(3)`);
 * - absent values are `null`; `before`, `after` and `metadata` are JSON values;
 * - `canonicalJson` is `JSON.stringify` without whitespace, with the keys of every
 *   object (at any depth) sorted in UTF-16 code unit order, arrays in order.
 *
 * `prev_hash` is the `hash` of the event with `seq - 1` of the same
 * organization, or {@link AUDIT_GENESIS_HASH} (64 zeros) for `seq = 1`. So
 * changing any column of any event, deleting an event in the middle, reordering
 * or moving an event to another organization breaks the chain at that point.
 *
 * Retention (`gantry_audit_apply_retention`) deletes the oldest events but never
 * the newest: the oldest remaining event's `prev_hash` (the hash of the last
 * deleted event) is then the anchor that verification trusts. Truncating the
 * front of a chain is therefore indistinguishable from retention; compare an
 * exported head hash (e.g. from the NDJSON export) to detect it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';

/** `prev_hash` of the first event (`seq = 1`) of every organization: 64 zeros. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** Who performed an audited operation; `system` is the control plane itself (retention, reaper). */
export type AuditActorKind = 'user' | 'api_token' | 'agent' | 'system';

/** Every actor kind, for validation and filters. */
export const AUDIT_ACTOR_KINDS: readonly AuditActorKind[] = ['user', 'api_token', 'agent', 'system'];

/** Whether the audited operation took effect. */
export type AuditOutcome = 'success' | 'failure';

/** A JSON value as stored in `before`, `after` and `metadata`. */
export type AuditJson = string | number | boolean | null | AuditJson[] | { [key: string]: AuditJson };

/** The actor fields of an audit event. `id` is null only for `system`; `label` is for display (an email, a token name). */
export interface AuditActorFields {
  kind: AuditActorKind;
  id: string | null;
  label: string | null;
}

/** What a caller records; the chain fields (`id`, `seq`, `prev_hash`, `hash`) are assigned on append. */
export interface AuditEventInput {
  /** Organization (UUID) whose chain receives the event. */
  orgId: string;
  actor: AuditActorFields;
  /** Dotted lowercase verb, e.g. `run.launch`, `api_token.create`, `graphql.launchRun` (see {@link AUDIT_ACTION_PATTERN}). */
  action: string;
  target?: { type: string; id: string | null } | null;
  /** Default `success`. */
  outcome?: AuditOutcome;
  /** Value before the change; never secrets. */
  before?: unknown;
  /** Value after the change; never secrets. */
  after?: unknown;
  /** Further context (redacted arguments, error code, reason); a JSON object. */
  metadata?: Record<string, unknown>;
  sourceIp?: string | null;
  userAgent?: string | null;
  /** Default: now. Tests and imports may pass a time; it is truncated to milliseconds. */
  occurredAt?: Date;
}

/** One stored audit event (a row of `audit_events`). */
export interface AuditRecord {
  id: string;
  orgId: string;
  seq: number;
  occurredAt: Date;
  actorKind: AuditActorKind;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: AuditOutcome;
  before: AuditJson | null;
  after: AuditJson | null;
  metadata: { [key: string]: AuditJson };
  sourceIp: string | null;
  userAgent: string | null;
  prevHash: string;
  hash: string;
}

/** Result of {@link verifyAuditChain}: `firstBrokenSeq` and `reason` are null when `ok`. */
export interface AuditChainVerification {
  ok: boolean;
  /** Events whose hash and link were checked (up to and including the first broken one). */
  eventsChecked: number;
  firstBrokenSeq: number | null;
  reason: string | null;
}

/** Actions are dotted identifiers: `resource.verb`, at least two segments, e.g. `api_token.create`, `graphql.launchRun`. */
export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

/** Longest stored user agent; longer values are cut. */
export const MAX_USER_AGENT_LENGTH = 512;
/** Longest action, label, target type or id accepted. */
export const MAX_AUDIT_FIELD_LENGTH = 512;

/** Input that cannot become an audit event (a programming error at the call site). */
export class InvalidAuditEventError extends Error {
  constructor(reason: string) {
    super(`invalid audit event: ${reason}`);
    this.name = 'InvalidAuditEventError';
  }
}

/**
 * Runs one SQL statement with `$n` parameters and returns its rows. Adapts a
 * pg client ({@link pgExecutor}) or a Prisma transaction
 * (`(text, values) => tx.$queryRawUnsafe(text, ...values)`).
 */
export type SqlExecutor = (text: string, values: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** A {@link SqlExecutor} over a pg client or pool client. */
export function pgExecutor(client: Pick<pg.ClientBase, 'query'>): SqlExecutor {
  return async (text, values) => (await client.query(text, [...values])).rows as Record<string, unknown>[];
}

/** JSON with the keys of every object sorted (UTF-16 code unit order), no whitespace: the hashed serialization. */
export function canonicalJson(value: AuditJson): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as AuditJson)}`).join(',')}}`;
}

/** The hashed document of a record (every column but `hash`), see the module docs. */
export function auditHashDocument(r: Omit<AuditRecord, 'hash'>): AuditJson {
  return {
    id: r.id,
    org_id: r.orgId,
    seq: r.seq,
    occurred_at: r.occurredAt.toISOString(),
    actor_kind: r.actorKind,
    actor_id: r.actorId,
    actor_label: r.actorLabel,
    action: r.action,
    target_type: r.targetType,
    target_id: r.targetId,
    outcome: r.outcome,
    before: r.before,
    after: r.after,
    metadata: r.metadata,
    source_ip: r.sourceIp,
    user_agent: r.userAgent,
    prev_hash: r.prevHash,
  };
}

/** `hash` of a record: hex SHA-256 of {@link canonicalJson} of {@link auditHashDocument}. */
export function computeAuditHash(r: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(auditHashDocument(r)), 'utf8').digest('hex');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function cleanString(s: string): string {
  // PostgreSQL's jsonb and text refuse NUL and unpaired surrogates; store what it can hold, so the hash round-trips.
  return s.replace(/\u0000/g, '').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * The JSON value PostgreSQL will store and give back for `value`: Dates become
 * ISO strings, bigints strings, non-finite numbers null, `undefined` and
 * functions are dropped (null in arrays), NUL characters removed and lone
 * surrogates replaced. Hashing this normalized value is what makes the hash of a
 * row re-computable from what is read back.
 */
export function normalizeAuditJson(value: unknown, depth = 0): AuditJson {
  if (depth > 64) return '[too deep]';
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cleanString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'function' || v === undefined ? null : normalizeAuditJson(v, depth + 1)));
  if (typeof value === 'object') {
    const out: { [key: string]: AuditJson } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      out[cleanString(k)] = normalizeAuditJson(v, depth + 1);
    }
    return out;
  }
  return null;
}

function checkField(name: string, value: string | null | undefined, required: boolean): string | null {
  if (value === null || value === undefined || value === '') {
    if (required) throw new InvalidAuditEventError(`${name} is required`);
    return null;
  }
  if (typeof value !== 'string') throw new InvalidAuditEventError(`${name} must be a string`);
  if (value.length > MAX_AUDIT_FIELD_LENGTH) throw new InvalidAuditEventError(`${name} is longer than ${MAX_AUDIT_FIELD_LENGTH} characters`);
  return cleanString(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Validates an input and fills the defaults; the chain fields are left out.
 * Errors: {@link InvalidAuditEventError} naming the field (organization not a
 * UUID, unknown actor kind, missing actor id for a non-system actor, action not
 * matching {@link AUDIT_ACTION_PATTERN}, a field over {@link MAX_AUDIT_FIELD_LENGTH},
 * metadata not an object).
 */
export function prepareAuditEvent(input: AuditEventInput): Omit<AuditRecord, 'id' | 'seq' | 'prevHash' | 'hash'> {
  if (typeof input.orgId !== 'string' || !UUID.test(input.orgId)) throw new InvalidAuditEventError(`orgId must be a UUID, got ${JSON.stringify(input.orgId)}`);
  if (!AUDIT_ACTOR_KINDS.includes(input.actor.kind)) throw new InvalidAuditEventError(`actor.kind must be one of ${AUDIT_ACTOR_KINDS.join(', ')}, got ${JSON.stringify(input.actor.kind)}`);
  const actorId = checkField('actor.id', input.actor.id, input.actor.kind !== 'system');
  const action = checkField('action', input.action, true)!;
  if (!AUDIT_ACTION_PATTERN.test(action)) throw new InvalidAuditEventError(`action must be dotted like "run.launch", got ${JSON.stringify(action)}`);
  const outcome = input.outcome ?? 'success';
  if (outcome !== 'success' && outcome !== 'failure') throw new InvalidAuditEventError(`outcome must be success or failure, got ${JSON.stringify(outcome)}`);
  if (input.metadata !== undefined && (input.metadata === null || typeof input.metadata !== 'object' || Array.isArray(input.metadata))) {
    throw new InvalidAuditEventError('metadata must be a JSON object');
  }
  const occurredAt = new Date(Math.floor((input.occurredAt ?? new Date()).getTime()));
  if (Number.isNaN(occurredAt.getTime())) throw new InvalidAuditEventError('occurredAt is not a valid date');
  return {
    orgId: input.orgId.toLowerCase(),
    occurredAt,
    actorKind: input.actor.kind,
    actorId,
    actorLabel: checkField('actor.label', input.actor.label?.slice(0, MAX_AUDIT_FIELD_LENGTH), false),
    action,
    targetType: checkField('target.type', input.target?.type, false),
    targetId: checkField('target.id', input.target?.id, false),
    outcome,
    before: normalizeAuditJson(input.before),
    after: normalizeAuditJson(input.after),
    metadata: normalizeAuditJson(input.metadata ?? {}) as { [key: string]: AuditJson },
    sourceIp: checkField('sourceIp', input.sourceIp?.slice(0, 100), false),
    userAgent: checkField('userAgent', input.userAgent?.slice(0, MAX_USER_AGENT_LENGTH), false),
  };
}

/**
 * Appends one event to its organization's chain and returns the stored record.
 *
 * Must run inside a transaction (the caller's, so the audited change and its
 * event commit or roll back together) in which `gantry.org_id` is the event's
 * organization (row-level security). Appends of one organization are
 * serialized with `pg_advisory_xact_lock(hashtextextended('gantry.audit:<org>', 0))`,
 * held until that transaction ends: concurrent writers never fork the chain,
 * and the lock is the last thing to take in a transaction (it is held to
 * commit). Errors: {@link InvalidAuditEventError}; database errors.
 */
export async function appendAuditEvent(exec: SqlExecutor, input: AuditEventInput): Promise<AuditRecord> {
  const prepared = prepareAuditEvent(input);
  await exec("SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended('gantry.audit:' || $1::text, 0))", [prepared.orgId]);
  const [head] = await exec('SELECT seq::text AS seq, hash FROM audit_events WHERE org_id = $1::uuid ORDER BY audit_events.seq DESC LIMIT 1', [prepared.orgId]);
  const seq = head ? Number(head['seq']) + 1 : 1;
  const prevHash = head ? String(head['hash']) : AUDIT_GENESIS_HASH;
  const unhashed = { ...prepared, id: randomUUID(), seq, prevHash };
  const record: AuditRecord = { ...unhashed, hash: computeAuditHash(unhashed) };
  await exec(
    `INSERT INTO audit_events (id, org_id, seq, occurred_at, actor_kind, actor_id, actor_label, action, target_type, target_id, outcome, before, after, metadata, source_ip, user_agent, prev_hash, hash)
     VALUES ($1::uuid, $2::uuid, $3::bigint, $4::timestamptz, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb, $14::jsonb, $15, $16, $17, $18) RETURNING id`,
    [
      record.id, record.orgId, String(record.seq), record.occurredAt.toISOString(), record.actorKind, record.actorId, record.actorLabel, record.action,
      record.targetType, record.targetId, record.outcome,
      record.before === null ? null : JSON.stringify(record.before),
      record.after === null ? null : JSON.stringify(record.after),
      JSON.stringify(record.metadata), record.sourceIp, record.userAgent, record.prevHash, record.hash,
    ],
  );
  return record;
}

/** The columns of `audit_events` in the form {@link auditRecordFromRow} reads (seq as text, so order by `audit_events.seq`, not the text alias). */
export const AUDIT_COLUMNS =
  'id, org_id, seq::text AS seq, occurred_at, actor_kind, actor_id, actor_label, action, target_type, target_id, outcome, before, after, metadata, source_ip, user_agent, prev_hash, hash';

/** Maps a pg row selected with {@link AUDIT_COLUMNS} to a record. */
export function auditRecordFromRow(r: Record<string, unknown>): AuditRecord {
  const str = (k: string): string | null => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  return {
    id: String(r['id']),
    orgId: String(r['org_id']),
    seq: Number(r['seq']),
    occurredAt: r['occurred_at'] instanceof Date ? r['occurred_at'] : new Date(String(r['occurred_at'])),
    actorKind: String(r['actor_kind']) as AuditActorKind,
    actorId: str('actor_id'),
    actorLabel: str('actor_label'),
    action: String(r['action']),
    targetType: str('target_type'),
    targetId: str('target_id'),
    outcome: String(r['outcome']) as AuditOutcome,
    before: (r['before'] ?? null) as AuditJson | null,
    after: (r['after'] ?? null) as AuditJson | null,
    metadata: (r['metadata'] ?? {}) as { [key: string]: AuditJson },
    sourceIp: str('source_ip'),
    userAgent: str('user_agent'),
    prevHash: String(r['prev_hash']),
    hash: String(r['hash']),
  };
}

/**
 * Checks an organization's whole chain in `seq` order, `batchSize` rows per
 * statement, and stops at the first broken link. The first event's
 * `prev_hash` is the anchor (genesis when its seq is 1, else the hash of the
 * last event deleted by retention); every later event must have
 * `seq = previous seq + 1` and `prev_hash = previous hash`, and every event's
 * `hash` must equal {@link computeAuditHash} of its columns. An empty chain is
 * ok. Reads through `exec`, whose transaction must see the organization's rows
 * (`gantry.org_id` set, or the owner). Errors: database errors only.
 */
export async function verifyAuditChain(exec: SqlExecutor, orgId: string, options: { batchSize?: number } = {}): Promise<AuditChainVerification> {
  const batchSize = options.batchSize ?? 1000;
  let checked = 0;
  let previous: AuditRecord | undefined;
  let afterSeq = '0';
  for (;;) {
    const rows = await exec(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE org_id = $1::uuid AND seq > $2::bigint ORDER BY audit_events.seq LIMIT $3`, [orgId, afterSeq, batchSize]);
    for (const row of rows) {
      const r = auditRecordFromRow(row);
      checked++;
      const broken = (reason: string): AuditChainVerification => ({ ok: false, eventsChecked: checked, firstBrokenSeq: r.seq, reason });
      if (!previous) {
        if (r.seq === 1 && r.prevHash !== AUDIT_GENESIS_HASH) return broken('the first event (seq 1) does not start from the genesis hash');
        if (r.seq < 1) return broken(`seq ${r.seq} is not positive`);
      } else {
        if (r.seq !== previous.seq + 1) return broken(`seq ${previous.seq + 1} is missing (event deleted): seq ${previous.seq} is followed by seq ${r.seq}`);
        if (r.prevHash !== previous.hash) return broken(`prev_hash does not match the hash of seq ${previous.seq}`);
      }
      const { hash, ...unhashed } = r;
      if (computeAuditHash(unhashed) !== hash) return broken(`hash mismatch: the stored event seq ${r.seq} was modified after it was written`);
      previous = r;
    }
    if (rows.length < batchSize) break;
    afterSeq = String(previous!.seq);
  }
  return { ok: true, eventsChecked: checked, firstBrokenSeq: null, reason: null };
}
