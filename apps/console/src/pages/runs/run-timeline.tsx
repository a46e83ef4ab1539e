import { Link } from 'react-router';
import { useScopedPath } from '../../layout/scope';
import { eventAsset, field, type RunEventItem } from './run-events';
import { formatDuration } from './run-format';
import { StatusBadge } from './run-status-badge';

interface Step {
  key: string;
  first: number;
  last: number;
  materializedAt: number | null;
  checks: { name: string; passed: boolean; at: number }[];
}

/** Per asset of the run: its first and last event times, materialization and check results. */
function stepsOf(events: RunEventItem[], assetKeys: readonly string[]): Step[] {
  const steps = new Map<string, Step>();
  for (const event of events) {
    const key = eventAsset(event, assetKeys);
    if (!key) continue;
    const at = Date.parse(event.timestamp);
    const step = steps.get(key) ?? { key, first: at, last: at, materializedAt: null, checks: [] };
    step.first = Math.min(step.first, at);
    step.last = Math.max(step.last, at);
    if (event.type === 'ASSET_MATERIALIZATION') step.materializedAt = at;
    if (event.type === 'ASSET_CHECK_EVALUATION') step.checks.push({ name: String(field(event.payload, 'checkName')), passed: field(event.payload, 'passed') === true, at });
    steps.set(key, step);
  }
  return [...steps.values()].sort((a, b) => a.first - b.first);
}

/**
 * A timeline of the run's asset steps: one row per asset with a bar from its
 * first to its last event on the run's time axis, the time it materialized and
 * its check results; assets of the selection with no event yet show as
 * waiting (or not materialized once the run ended). A step's events are the
 * ones carrying its asset key plus log lines that start with it.
 */
export function RunTimeline({ events, assetKeys, runStart, runEnd, ended }: {
  events: RunEventItem[];
  assetKeys: readonly string[];
  runStart: number | null;
  runEnd: number;
  ended: boolean;
}) {
  const path = useScopedPath();
  const steps = stepsOf(events, assetKeys);
  const seen = new Set(steps.map((s) => s.key));
  const origin = runStart ?? steps[0]?.first ?? runEnd;
  const span = Math.max(runEnd - origin, 1);
  const pct = (t: number) => `${Math.min(100, Math.max(0, ((t - origin) / span) * 100))}%`;
  return (
    <section aria-labelledby="run-timeline-title">
      <h2 id="run-timeline-title">Timeline</h2>
      <table className="data run-timeline">
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col">Step</th>
            <th scope="col">Materialized</th>
            <th scope="col">Checks</th>
            <th scope="col" className="timeline-axis-head">
              0 … {formatDuration(span)}
            </th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => (
            <tr key={s.key}>
              <th scope="row">
                <Link to={path(`assets/${s.key}`)}>{s.key}</Link>
              </th>
              <td>
                +{formatDuration(s.first - origin)} · {formatDuration(s.last - s.first)}
              </td>
              <td>{s.materializedAt ? `+${formatDuration(s.materializedAt - origin)}` : ended ? <StatusBadge status="FAILED" label="not materialized" /> : 'running'}</td>
              <td>
                {s.checks.length === 0
                  ? '—'
                  : s.checks.map((c) => (
                      <StatusBadge key={c.name} status={c.passed ? 'PASSED' : 'FAILED'} label={`${c.name} ${c.passed ? 'passed' : 'failed'}`} />
                    ))}
              </td>
              <td className="timeline-track" aria-hidden="true">
                <span
                  className={`timeline-bar ${s.materializedAt ? 'done' : ended ? 'failed' : 'running'}`}
                  style={{ left: pct(s.first), width: `max(3px, calc(${pct(s.last)} - ${pct(s.first)}))` }}
                />
              </td>
            </tr>
          ))}
          {assetKeys
            .filter((k) => !seen.has(k))
            .map((k) => (
              <tr key={k}>
                <th scope="row">
                  <Link to={path(`assets/${k}`)}>{k}</Link>
                </th>
                <td colSpan={4} className="muted">
                  {ended ? 'No events: not run.' : 'Waiting.'}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}
