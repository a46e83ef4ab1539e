import { useState } from 'react';
import { useScope } from '../../layout/scope';

/**
 * The secret of a just-created token, shown this once: the value in a
 * `.secret` box with a copy button, and a curl example that uses it.
 */
export function NewTokenSecret({ token, name, onDismiss }: { token: string; name: string; onDismiss: () => void }) {
  const { org } = useScope();
  const [copied, setCopied] = useState<'token' | 'curl' | 'failed' | null>(null);
  const curl = `curl -H "authorization: Bearer ${token}" -H "x-gantry-organization: ${org}" -H "content-type: application/json" \\\n  ${window.location.origin}/graphql -d '{"query":"{ deployments { name } }"}'`;
  const copy = async (text: string, what: 'token' | 'curl') => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
    } catch {
      // Clipboard access can be denied (insecure origin, permissions); the text stays selectable.
      setCopied('failed');
    }
  };
  return (
    <section className="new-secret" aria-labelledby="new-secret-title">
      <h2 id="new-secret-title">Token {name} created</h2>
      <p>Copy the secret now: it is shown only this once and cannot be retrieved later.</p>
      <div className="secret mono" data-testid="token-secret">{token}</div>
      <div className="toolbar secret-actions">
        <button type="button" onClick={() => void copy(token, 'token')}>Copy token</button>
        <button type="button" onClick={() => void copy(curl, 'curl')}>Copy curl example</button>
        <button type="button" onClick={onDismiss}>Done, hide it</button>
        <span role="status" className="muted">
          {copied === 'token' && 'Token copied.'}
          {copied === 'curl' && 'Example copied.'}
          {copied === 'failed' && 'Could not copy; select the text instead.'}
        </span>
      </div>
      <p>Try it:</p>
      <pre className="mono curl-example">{curl}</pre>
    </section>
  );
}
