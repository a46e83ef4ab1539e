import type { CombinedError } from 'urql';
import { errorMessage } from '../../components/states';

/** Plain-words explanations of the server's refusals, by error code. */
const EXPLAIN: Record<string, string> = {
  ROLE_TOO_HIGH: 'You cannot hand out a role higher than your own at that scope (Owner only by an Owner).',
  FORBIDDEN: 'Your role does not allow this.',
  INVALID_ARGUMENT: 'Check the values you entered.',
};

/** A refused or failed action: the server's message and, for known codes, what it means. Renders nothing without an error. */
export function ActionAlert({ error, action }: { error: CombinedError | undefined | null; action: string }) {
  if (!error) return null;
  const code = error.graphQLErrors[0]?.extensions?.['code'];
  const hint = typeof code === 'string' ? EXPLAIN[code] : undefined;
  return (
    <div className="action-error" role="alert">
      <strong>Could not {action}.</strong> {hint && <span>{hint} </span>}
      <span className="muted">{errorMessage(error)}</span>
    </div>
  );
}
