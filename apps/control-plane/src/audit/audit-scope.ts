import { AsyncLocalStorage } from 'node:async_hooks';

/** State of one audited GraphQL mutation: whether its code recorded an event itself. */
export interface AuditScope {
  /** The mutation's root field, e.g. `launchRun`. */
  readonly mutation: string;
  /** Events recorded by the mutation's own code (`AuditLog.record` within the scope). */
  recorded: number;
}

const storage = new AsyncLocalStorage<AuditScope>();

/** Runs `fn` (and everything it starts) inside a fresh audit scope for `mutation`; returns the scope and fn's result. */
export function runInAuditScope<T>(mutation: string, fn: () => T): { scope: AuditScope; result: T } {
  const scope: AuditScope = { mutation, recorded: 0 };
  return { scope, result: storage.run(scope, fn) };
}

/** The audit scope of the running mutation, if any. */
export function currentAuditScope(): AuditScope | undefined {
  return storage.getStore();
}
