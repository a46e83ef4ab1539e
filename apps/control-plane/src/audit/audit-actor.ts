import type { AuditActorFields } from '@gantry/db';
import type { Actor, AuthContext, RequestOrigin } from '../auth/auth-context';

/** The actor and request fields of an audit event, as {@link AuditLog.record} takes them. */
export interface AuditWho {
  orgId: string;
  actor: AuditActorFields;
  sourceIp: string | null;
  userAgent: string | null;
}

/**
 * The audit actor of an authenticated actor: kind and id as in `actorRef`
 * (`user` → `users.id`, `api_token` → `api_tokens.id`, `agent` →
 * `agent_tokens.id`) and a display label: the user's email, else name, else
 * OIDC subject; for tokens `label` when given (the token or agent name), else
 * null.
 */
export function auditActorOf(actor: Actor, label?: string | null): AuditActorFields {
  switch (actor.kind) {
    case 'user':
      return { kind: 'user', id: actor.id, label: label ?? actor.email ?? actor.name ?? actor.subject };
    case 'api_token':
      return { kind: 'api_token', id: actor.id, label: label ?? null };
    case 'agent':
      return { kind: 'agent', id: actor.id, label: label ?? null };
    default: {
      const unhandled: never = actor;
      throw new Error(`unknown actor kind ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The control plane itself (retention, reaper), labelled with the component that acted. */
export function systemActor(label: string): AuditActorFields {
  return { kind: 'system', id: null, label };
}

/**
 * Turns an auth context and the request's origin into the "who" of an audit
 * event: `{ orgId, actor, sourceIp, userAgent }`, spread into
 * `AuditLog.record({ ...auditWho(auth, origin), action, … })`. `origin` may
 * be omitted (no request, e.g. a background job acting for a user).
 */
export function auditWho(auth: AuthContext, origin?: RequestOrigin | null, label?: string | null): AuditWho {
  return { orgId: auth.orgId, actor: auditActorOf(auth.actor, label), sourceIp: origin?.sourceIp ?? null, userAgent: origin?.userAgent ?? null };
}

function header(headers: unknown, name: string): string | null {
  if (typeof headers !== 'object' || headers === null) return null;
  const value = (headers as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}

/**
 * The origin of an HTTP request (Express `req`, or anything with `ip`,
 * `socket.remoteAddress` and `headers`): `req.ip` (Express applies the
 * configured trusted proxies), else the socket's address; `user-agent`.
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) are given as IPv4. Never throws.
 */
export function originOfHttpRequest(req: unknown): RequestOrigin {
  if (typeof req !== 'object' || req === null) return { sourceIp: null, userAgent: null };
  const r = req as { ip?: unknown; socket?: { remoteAddress?: unknown }; headers?: unknown };
  const ip = typeof r.ip === 'string' ? r.ip : typeof r.socket?.remoteAddress === 'string' ? r.socket.remoteAddress : null;
  return { sourceIp: ip ? ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1') : null, userAgent: header(r.headers, 'user-agent') };
}

/**
 * The origin of a gRPC call from its peer (`127.0.0.1:5678`, `[::1]:5678`,
 * or with grpc's `ipv4:`/`ipv6:` scheme prefix) and its `user-agent` metadata
 * value. A peer that is no address (a unix socket) gives a null IP. Never throws.
 */
export function originOfGrpcPeer(peer: string, userAgent: string | null): RequestOrigin {
  const bare = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::\d+)?$/.exec(bare);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(bare);
  const ip = bracketed?.[1] ?? v4?.[1] ?? null;
  return { sourceIp: ip ? ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1') : null, userAgent };
}
