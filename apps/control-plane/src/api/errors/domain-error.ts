/**
 * Base of every typed error a service of the public API throws on purpose.
 * `code` is stable and becomes the GraphQL `extensions.code`; `details` are
 * safe to show to the caller (they become further extension fields), so they
 * never hold secrets or other tenants' data.
 */
export abstract class DomainError<C extends string = string> extends Error {
  /** Stable machine-readable code, e.g. `RUN_NOT_FOUND`. */
  abstract readonly code: C;

  constructor(
    message: string,
    /** Extra fields for `extensions`, e.g. `{ assetKeys: ['a/b'] }`. */
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
