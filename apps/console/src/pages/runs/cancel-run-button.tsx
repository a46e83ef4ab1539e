import { useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../components/states';
import { graphql } from '../../gql';

const CancelRunMutation = graphql(`
  mutation CancelRun($id: ID!) {
    cancelRun(id: $id) { id status endedAt }
  }
`);

/** "Cancel run…" with an inline confirmation; the server's refusal or error shows as an alert. */
export function CancelRunButton({ runId }: { runId: string }) {
  const [confirming, setConfirming] = useState(false);
  const [result, cancel] = useMutation(CancelRunMutation);
  const confirmButton = useRef<HTMLButtonElement>(null);
  // Keyboard users land on the confirmation they just asked for.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  if (!confirming) {
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Cancel run…
      </button>
    );
  }
  return (
    <div className="run-cancel-confirm" role="group" aria-label="Confirm cancel">
      <span>Cancel this run?</span>
      <button
        ref={confirmButton}
        type="button"
        className="danger"
        disabled={result.fetching}
        onClick={async () => {
          const r = await cancel({ id: runId });
          if (!r.error) setConfirming(false);
        }}
      >
        Yes, cancel run
      </button>
      <button type="button" onClick={() => setConfirming(false)} disabled={result.fetching}>
        Keep running
      </button>
      {result.error && (
        <p className="error" role="alert">
          {errorMessage(result.error)}
        </p>
      )}
    </div>
  );
}
