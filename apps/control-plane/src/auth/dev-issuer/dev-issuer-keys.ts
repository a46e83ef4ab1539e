import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/** The development issuer's signing key: ES256 (P-256), generated at startup, never persisted. */
export interface DevSigningKey {
  privateKey: CryptoKey;
  /** Public JWK (RFC 7517) with `kid` (its RFC 7638 thumbprint), `alg: ES256`, `use: sig`. */
  publicJwk: JWK;
  kid: string;
}

/** Generates a fresh ES256 key pair with jose. Tokens signed before a restart stop verifying: sign in again. */
export async function generateDevSigningKey(): Promise<DevSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, kid, publicJwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } };
}
