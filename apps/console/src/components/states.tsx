import type { CombinedError } from 'urql';
import type { ReactNode } from 'react';

/** Shown while a page's first data loads. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** Shown when a list is empty: what is missing and, when useful, how to add it. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

/** The message of a GraphQL error, without urql's "[GraphQL]" prefix, and its code when the server gave one. */
export function errorMessage(error: CombinedError): string {
  const gql = error.graphQLErrors[0];
  if (gql) {
    const code = typeof gql.extensions?.['code'] === 'string' ? ` (${gql.extensions['code']})` : '';
    return `${gql.message}${code}`;
  }
  return error.networkError ? `Network error: ${error.networkError.message}` : error.message;
}

/** Shown when a query failed, with a retry. */
export function ErrorState({ error, retry }: { error: CombinedError; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">Something went wrong</p>
      <p>{errorMessage(error)}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * The three states of a query in one place: `children` renders only when
 * `data` is there; errors and loading render their states.
 */
export function QueryState<T>({ result, what, retry, children }: {
  result: { data?: T; error?: CombinedError; fetching: boolean };
  what: string;
  retry?: () => void;
  children: (data: T) => ReactNode;
}) {
  if (result.error && !result.data) return <ErrorState error={result.error} {...(retry && { retry })} />;
  if (!result.data) return <Loading what={what} />;
  return <>{children(result.data)}</>;
}
