import { useState } from 'react';

/** Copies `text` to the clipboard; says whether it worked (in a live region) so keyboard and screen-reader users know. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // Clipboard access can be refused (insecure origin, permissions); the text stays selectable.
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()}>{label}</button>{' '}
      <span role="status" aria-live="polite" className="muted">
        {state === 'copied' ? 'Copied.' : state === 'failed' ? 'Copy failed: select the text and copy it.' : ''}
      </span>
    </>
  );
}
