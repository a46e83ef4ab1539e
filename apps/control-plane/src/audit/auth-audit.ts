import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AuditRecord } from '@gantry/db';
import type { Actor, RequestOrigin } from '../auth/auth-context';
import { LOGGER } from '../logging/logger';
import { auditActorOf } from './audit-actor';
import { AuditLog, type AuditTx } from './audit-log.service';

/** Why a credential was refused. */
export type TokenRejectionReason = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked' | 'wrong_kind' | 'invalid_signature' | 'not_a_member';

/** A refused credential, as an authenticator knows it. Never holds the credential itself. */
export interface TokenRejection {
  reason: TokenRejectionReason;
  /** What was presented: an API token, an agent token, an OIDC access token. */
  credential: 'api_token' | 'agent_token' | 'oidc';
  /** The organization the credential names, when known (a stored token's `org_id`); else the event is only logged. */
  orgId?: string | null;
  /** Id of the stored token (`api_tokens.id`, `agent_tokens.id`) or of the user, when known. */
  principalId?: string | null;
  /** A display label: the stored token's `prefix` or name, a user's email. Never derived from an unknown credential. */
  label?: string | null;
  origin?: RequestOrigin | null;
}

/** A successful sign-in of a user in one organization. */
export interface SignIn {
  orgId: string;
  user: Extract<Actor, { kind: 'user' }>;
  origin?: RequestOrigin | null;
  /** True when `gantry_sign_in` created the user now. */
  created?: boolean;
  /** Invitations of this organization accepted by this sign-in (`gantry_sign_in`'s `accepted_invitation_ids`). */
  acceptedInvitationIds?: readonly string[];
}

/** Repeated rejections of the same token for the same reason are recorded at most once per this interval, ms. */
export const TOKEN_REJECTION_THROTTLE_MS = 60_000;

/**
 * Audit events of authentication, for the authenticators to call:
 *
 * - {@link signIn}: `auth.sign_in` (actor and target the user), on a user's
 *   sign-in or first request in an organization.
 * - {@link tokenRejected}: `auth.token_rejected` with the reason. A refused
 *   credential that names an organization (a stored but expired or revoked
 *   token; a user who is not a member) is recorded in that organization's chain,
 *   with actor = the token or user it claims to be and outcome `failure`. A
 *   credential naming no organization (unknown token, garbage, bad signature)
 *   is only logged (JSON log line with `audit: "auth.token_rejected"`): it has
 *   no tenant to show it to, and a system-wide table would let anyone on the
 *   internet fill it. Recording is throttled per (organization, principal,
 *   reason) to one event per {@link TOKEN_REJECTION_THROTTLE_MS}; the next event
 *   carries `metadata.suppressed`, the number left out meanwhile.
 */
@Injectable()
export class AuthAudit {
  private readonly log: Logger;
  private readonly lastRecorded = new Map<string, { at: number; suppressed: number }>();

  constructor(
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'audit' });
  }

  /**
   * Records `auth.sign_in` in `orgId` (metadata: `created`,
   * `acceptedInvitationIds`). With `tx`, inside that transaction (see
   * AuditLog.record). Errors: those of AuditLog.record.
   */
  signIn(s: SignIn, tx?: AuditTx): Promise<AuditRecord> {
    return this.audit.record(
      {
        orgId: s.orgId,
        actor: auditActorOf(s.user),
        action: 'auth.sign_in',
        target: { type: 'user', id: s.user.id },
        metadata: { created: s.created ?? false, acceptedInvitationIds: [...(s.acceptedInvitationIds ?? [])], subject: s.user.subject },
        sourceIp: s.origin?.sourceIp ?? null,
        userAgent: s.origin?.userAgent ?? null,
      },
      tx,
    );
  }

  /**
   * Records (or only logs, see the class docs) `auth.token_rejected`. Never
   * throws: authentication answers UNAUTHENTICATED whatever happens here.
   * Resolves to the stored record, or undefined when only logged or throttled.
   */
  async tokenRejected(r: TokenRejection): Promise<AuditRecord | undefined> {
    const logFields = { audit: 'auth.token_rejected', reason: r.reason, credential: r.credential, orgId: r.orgId ?? null, principalId: r.principalId ?? null, sourceIp: r.origin?.sourceIp ?? null, userAgent: r.origin?.userAgent ?? null };
    if (!r.orgId) {
      this.log.warn(logFields, 'credential rejected (no organization: logged only)');
      return undefined;
    }
    const key = `${r.orgId}|${r.principalId ?? ''}|${r.reason}`;
    const now = Date.now();
    const last = this.lastRecorded.get(key);
    if (last && now - last.at < TOKEN_REJECTION_THROTTLE_MS) {
      last.suppressed++;
      return undefined;
    }
    if (this.lastRecorded.size > 10_000) this.lastRecorded.clear();
    this.lastRecorded.set(key, { at: now, suppressed: 0 });
    const kind = r.credential === 'api_token' ? 'api_token' : r.credential === 'agent_token' ? 'agent' : 'user';
    try {
      return await this.audit.record({
        orgId: r.orgId,
        actor: r.principalId ? { kind, id: r.principalId, label: r.label ?? null } : { kind: 'system', id: null, label: 'unidentified caller' },
        action: 'auth.token_rejected',
        target: { type: r.credential, id: r.principalId ?? null },
        outcome: 'failure',
        metadata: { reason: r.reason, credential: r.credential, suppressed: last?.suppressed ?? 0 },
        sourceIp: r.origin?.sourceIp ?? null,
        userAgent: r.origin?.userAgent ?? null,
      });
    } catch (err) {
      this.log.error({ ...logFields, err }, 'could not record a rejected credential in the audit log');
      return undefined;
    }
  }
}
