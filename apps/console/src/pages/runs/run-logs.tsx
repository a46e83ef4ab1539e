import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunEventItem } from './run-events';

/** The text shown for an event: its message, or for structured events a short summary. */
function lineText(event: RunEventItem): string {
  if (event.message) return event.message;
  const p = (event.payload ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case 'ASSET_MATERIALIZATION':
      return `materialized ${event.assetKey ?? ''}${typeof p['partitionKey'] === 'string' ? ` (partition ${p['partitionKey']})` : ''}`;
    case 'ASSET_CHECK_EVALUATION':
      return `check ${event.assetKey ?? ''}:${String(p['checkName'])} ${p['passed'] ? 'passed' : 'failed'} (${String(p['severity'])})`;
    case 'RUN_STARTED':
      return `process started${typeof p['pid'] === 'number' ? ` (pid ${p['pid']})` : ''}${typeof p['launcher'] === 'string' ? ` by ${p['launcher']}` : ''}`;
    default:
      return event.type.toLowerCase().replace(/_/g, ' ');
  }
}

function time(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * The run's events as log lines (time, level, type, text) in a scrolling
 * monospace pane that follows new lines unless paused; filters by level and
 * by text (case-insensitive, over type, asset and text).
 */
export function RunLogs({ events, live }: { events: RunEventItem[]; live: boolean }) {
  const [level, setLevel] = useState('');
  const [text, setText] = useState('');
  const [follow, setFollow] = useState(true);
  const pane = useRef<HTMLDivElement>(null);
  const levels = useMemo(() => [...new Set(events.map((e) => (e.level ?? 'INFO').toUpperCase()))].sort(), [events]);
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return events.filter(
      (e) =>
        (!level || (e.level ?? 'INFO').toUpperCase() === level) &&
        (!needle || `${e.type} ${e.assetKey ?? ''} ${lineText(e)}`.toLowerCase().includes(needle)),
    );
  }, [events, level, text]);

  useEffect(() => {
    if (follow && pane.current) pane.current.scrollTop = pane.current.scrollHeight;
  }, [shown, follow]);

  return (
    <section aria-labelledby="run-logs-title">
      <h2 id="run-logs-title">Logs</h2>
      <div className="toolbar">
        <label>
          Level
          <select value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="">All levels</option>
            {levels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search logs
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="button" aria-pressed={!follow} onClick={() => setFollow((f) => !f)}>
          {follow ? 'Pause auto-scroll' : 'Resume auto-scroll'}
        </button>
        <span className="muted" data-testid="log-count">
          {shown.length === events.length ? `${events.length} lines` : `${shown.length} of ${events.length} lines`}
          {live ? ' · live' : ''}
        </span>
      </div>
      {/* A focusable scroll region so keyboard users can scroll it. */}
      <div className="run-logs mono" ref={pane} tabIndex={0} role="region" aria-label="Run log lines">
        {shown.length === 0 ? (
          <p className="muted">{events.length === 0 ? (live ? 'Waiting for the first event…' : 'No events.') : 'No lines match the filters.'}</p>
        ) : (
          shown.map((e) => (
            <div key={e.seq} className={`log-line log-${(e.level ?? 'INFO').toUpperCase()}`} data-seq={e.seq}>
              <span className="log-time">{time(e.timestamp)}</span> <span className="log-level">{(e.level ?? 'INFO').toUpperCase().padEnd(7)}</span>{' '}
              <span className="log-type">{e.type}</span> <span className="log-text">{lineText(e)}</span>
            </div>
          ))
        )}
      </div>
    </section>
  );
}
