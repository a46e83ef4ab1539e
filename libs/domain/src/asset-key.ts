/**
 * An asset key is a path of one or more non-empty parts, like Dagster's
 * `AssetKey(["flights", "raw"])`. Its string form joins the parts with "/",
 * which is also how Dagster Pipes names assets on the wire
 * (`AssetKey.to_user_string()`).
 */
export type AssetKeyPath = readonly string[];

/** Joins a key path into its string form: `["a","b"]` → `"a/b"`. */
export function assetKeyToString(path: AssetKeyPath): string {
  return path.join('/');
}

/**
 * Parses `"a/b"` or `["a","b"]` into a key path.
 * Errors: throws `InvalidAssetKeyError` for empty keys or empty parts.
 */
export function parseAssetKey(key: string | readonly string[]): string[] {
  const parts = typeof key === 'string' ? key.split('/') : [...key];
  if (parts.length === 0 || parts.some((p) => typeof p !== 'string' || p.trim() === '')) {
    throw new InvalidAssetKeyError(typeof key === 'string' ? key : JSON.stringify(key));
  }
  return parts;
}

/** Raised for an asset key that is empty or has an empty part. */
export class InvalidAssetKeyError extends Error {
  readonly code = 'INVALID_ASSET_KEY';
  constructor(readonly key: string) {
    super(`invalid asset key ${JSON.stringify(key)}: a key is one or more non-empty parts joined by "/"`);
  }
}
