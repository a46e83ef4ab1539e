import { TOKEN_PREFIX } from '@gantry/domain';

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Keys whose values are secrets whatever they hold (case-insensitive, anywhere in the key). */
const SECRET_KEY = /(secret|password|passwd|token|credential|authorization|private_?key|api_?key|cookie|session_?key)/i;

/** Keys that name a secret's identifier or label, not the secret (`tokenId`, `apiKeyName`, `token_prefix`). */
const SECRET_REFERENCE_KEY = /(id|ids|name|prefix|expiresAt|expires_at|scope)$/i;

/** Values that are secrets whatever their key: minted API and agent tokens, bearer credentials, PEM private keys. */
const SECRET_VALUE = new RegExp(`(${Object.values(TOKEN_PREFIX).join('|')})|^\\s*bearer\\s+\\S|-----BEGIN [A-Z ]*PRIVATE KEY-----`, 'i');

/**
 * A deep copy of `value` with secrets replaced by {@link REDACTED}: the value
 * of any object key that names a secret (`token`, `apiKey`, `password`,
 * `clientSecret`, …; not `tokenId`, `tokenName`, `tokenPrefix`) and any string that is one (contains a `gantry_api_` or
 * `gantry_agent_` token, starts with `Bearer `, holds a PEM private key).
 * Used on mutation arguments before they reach the audit log.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (typeof value === 'string') return SECRET_VALUE.test(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = SECRET_KEY.test(k) && !SECRET_REFERENCE_KEY.test(k) ? REDACTED : redactSecrets(v, depth + 1);
    return out;
  }
  return value;
}
