import { useState } from 'react';
import { useClient } from 'urql';
import { errorMessage } from '../../components/states';
import { graphql } from '../../gql';
import type { AuditLogVerifyQuery } from '../../gql/graphql';

const AuditLogVerifyQueryDoc = graphql(`
  query AuditLogVerify {
    auditLogVerify { ok eventsChecked firstBrokenSeq reason }
  }
`);

/** "Verify chain": checks the organization's audit hash chain on demand and says OK or names the first broken link. */
export function VerifyChain() {
  const client = useClient();
  const [state, setState] = useState<{ running: boolean; result?: AuditLogVerifyQuery['auditLogVerify']; error?: string }>({ running: false });
  const verify = async () => {
    setState({ running: true });
    const r = await client.query(AuditLogVerifyQueryDoc, {}, { requestPolicy: 'network-only' }).toPromise();
    setState(r.error ? { running: false, error: errorMessage(r.error) } : { running: false, ...(r.data && { result: r.data.auditLogVerify }) });
  };
  const v = state.result;
  return (
    <div className="verify-chain toolbar">
      <button type="button" onClick={() => void verify()} disabled={state.running}>
        {state.running ? 'Verifying…' : 'Verify chain'}
      </button>
      {v?.ok && (
        <p role="status" className="verify-ok">
          ✓ Chain intact: {v.eventsChecked} events checked.
        </p>
      )}
      {v && !v.ok && (
        <p role="alert" className="verify-broken">
          ✗ Chain broken at event #{v.firstBrokenSeq}: {v.reason} ({v.eventsChecked} events checked).
        </p>
      )}
      {state.error && (
        <p role="alert" className="verify-broken">Could not verify: {state.error}</p>
      )}
    </div>
  );
}
