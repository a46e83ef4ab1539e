import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { DevSigningKey } from './dev-issuer-keys';

/** A person signed in through the development form, or a client's service account. */
export interface DevSubject {
  /** Stable `sub`: a UUID derived from the email (or the service account's name), so it survives restarts. */
  sub: string;
  email?: string;
  name?: string;
  preferredUsername: string;
  emailVerified: boolean;
}

/** Lifetimes of the development issuer's tokens, seconds. */
export const DEV_TOKEN_LIFETIMES = { accessSec: 300, refreshSec: 1800, codeSec: 60 } as const;

/** A UUID-shaped stable id from a name (SHA-256, version nibble 5 style), e.g. for `sub`. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(`gantry-dev-issuer:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** The subject of a development sign-in: `preferred_username` is the email, as with Keycloak's email login. */
export function personSubject(name: string, email: string): DevSubject {
  const normalized = email.trim().toLowerCase();
  return { sub: stableUuid(`user:${normalized}`), email: normalized, name: name.trim(), preferredUsername: normalized, emailVerified: true };
}

/** The service account of a confidential client, named like Keycloak's (`service-account-<clientId>`). */
export function serviceAccountSubject(clientId: string): DevSubject {
  const username = `service-account-${clientId.toLowerCase()}`;
  return { sub: stableUuid(`service-account:${clientId}`), preferredUsername: username, emailVerified: false };
}

/** What every token of one sign-in shares. */
export interface TokenContext {
  issuer: string;
  audience: string;
  clientId: string;
  subject: DevSubject;
  /** Session id (`sid`); service-account tokens have none. */
  sid?: string;
  scope: string;
  /** Sign-in time, seconds since the epoch. */
  authTime: number;
}

function profileClaims(s: DevSubject): JWTPayload {
  const [given, ...family] = (s.name ?? '').split(/\s+/).filter(Boolean);
  return {
    email: s.email,
    email_verified: s.emailVerified,
    name: s.name,
    given_name: given,
    family_name: family.length ? family.join(' ') : undefined,
    preferred_username: s.preferredUsername,
  };
}

function sign(key: DevSigningKey, claims: JWTPayload, issuer: string, audience: string | string[], lifetimeSec: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSec}s`)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/** An access token shaped like Keycloak's: `aud` the API, `azp` the client, `typ: Bearer`, the profile claims. */
export function signAccessToken(key: DevSigningKey, c: TokenContext): Promise<string> {
  return sign(
    key,
    { sub: c.subject.sub, typ: 'Bearer', azp: c.clientId, sid: c.sid, auth_time: c.authTime, scope: c.scope, ...profileClaims(c.subject), ...(c.sid ? {} : { client_id: c.clientId }) },
    c.issuer,
    c.audience,
    DEV_TOKEN_LIFETIMES.accessSec,
  );
}

/** An ID token (OIDC Core §2): `aud` the client, `typ: ID`, the request's `nonce`. */
export function signIdToken(key: DevSigningKey, c: TokenContext, nonce: string | undefined): Promise<string> {
  return sign(key, { sub: c.subject.sub, typ: 'ID', azp: c.clientId, sid: c.sid, auth_time: c.authTime, nonce, ...profileClaims(c.subject) }, c.issuer, c.clientId, DEV_TOKEN_LIFETIMES.accessSec);
}

/**
 * A refresh token. A signed JWT like Keycloak's (keycloak-js decodes it), `aud`
 * the issuer and `typ: Refresh`, so it never passes as an access token; its
 * `jti` is what the issuer remembers for single use.
 */
export async function signRefreshToken(key: DevSigningKey, c: TokenContext): Promise<{ token: string; jti: string }> {
  const jti = randomBytes(16).toString('hex');
  const token = await new SignJWT({ sub: c.subject.sub, typ: 'Refresh', azp: c.clientId, sid: c.sid, scope: c.scope })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuer(c.issuer)
    .setAudience(c.issuer)
    .setIssuedAt()
    .setExpirationTime(`${DEV_TOKEN_LIFETIMES.refreshSec}s`)
    .setJti(jti)
    .sign(key.privateKey);
  return { token, jti };
}
