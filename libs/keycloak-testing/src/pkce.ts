import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636): `verifier` (43 base64url characters) and its S256 `challenge`. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

/** A fresh PKCE pair: 32 random bytes as the verifier, `BASE64URL(SHA-256(verifier))` as the challenge (RFC 7636 §4.2). */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
