import { createHash, randomBytes } from 'node:crypto';

/** Token kinds and their visible prefixes, so a leaked secret says what it is. */
export const TOKEN_PREFIX = { api: 'gantry_api_', agent: 'gantry_agent_' } as const;
export type TokenKind = keyof typeof TOKEN_PREFIX;

/** A freshly minted secret: `value` is shown once; only `hash` is stored. */
export interface MintedToken {
  value: string;
  hash: string;
  /** First 16 characters, safe to display in lists. */
  prefix: string;
}

/** Mints an opaque token: prefix + 32 random bytes, base64url. */
export function mintToken(kind: TokenKind): MintedToken {
  const value = TOKEN_PREFIX[kind] + randomBytes(32).toString('base64url');
  return { value, hash: hashToken(value), prefix: value.slice(0, 16) };
}

/** SHA-256 hex of a token; tokens are high-entropy, so no salt or KDF is needed. */
export function hashToken(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
