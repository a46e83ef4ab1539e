import { useState } from 'react';
import { Link } from 'react-router';
import { useScopedPath } from '../../layout/scope';
import { assetStatus, checksSummary, STATUS_ICONS, STATUS_LABELS, type CatalogAsset } from './catalog-filters';

/** Rows rendered at first; more on request, so thousands of assets do not block the page. */
const PAGE_ROWS = 200;

/** The asset page's path: `assets/<key with its slashes>`, each segment encoded. */
export function assetPath(key: string): string {
  return `assets/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The catalog as a table: a checkbox to select for launching, key (links to
 * the asset page), group, owners, kinds, status (icon + text), last
 * materialization and checks; 200 rows at a time.
 */
export function AssetTable({ assets, selected, inFlight, onSelect }: {
  assets: readonly CatalogAsset[];
  selected: readonly string[];
  inFlight: ReadonlySet<string>;
  onSelect: (keys: string[]) => void;
}) {
  const scoped = useScopedPath();
  const [rows, setRows] = useState(PAGE_ROWS);
  const sel = new Set(selected);
  const toggle = (key: string, on: boolean) => onSelect(on ? [...selected, key] : selected.filter((k) => k !== key));
  return (
    <>
      <table className="data asset-table">
        <thead>
          <tr>
            <th scope="col"><span className="visually-hidden">Select</span></th>
            <th scope="col">Asset</th>
            <th scope="col">Group</th>
            <th scope="col">Owners</th>
            <th scope="col">Kinds</th>
            <th scope="col">Status</th>
            <th scope="col">Last materialized</th>
            <th scope="col">Checks</th>
          </tr>
        </thead>
        <tbody>
          {assets.slice(0, rows).map((a) => {
            const status = assetStatus(a);
            return (
              <tr key={a.key}>
                <td>
                  <input type="checkbox" checked={sel.has(a.key)} onChange={(e) => toggle(a.key, e.target.checked)} aria-label={`Select ${a.key}`} />
                </td>
                <td>
                  <Link className="mono" to={scoped(assetPath(a.key))}>{a.key}</Link>
                  {a.description && <div className="muted asset-description">{a.description}</div>}
                </td>
                <td>{a.group}</td>
                <td>{a.owners.join(', ') || <span className="muted">none</span>}</td>
                <td>{a.kinds.join(', ')}</td>
                <td>
                  <span className={`asset-status asset-status-${status}`}>
                    <span aria-hidden="true">{STATUS_ICONS[status]}</span> {STATUS_LABELS[status]}
                  </span>
                  {inFlight.has(a.key) && <div className="muted">run in flight</div>}
                </td>
                <td>
                  {a.latestMaterialization ? (
                    <Link to={scoped(`runs/${a.latestMaterialization.runId}`)}>
                      <time dateTime={a.latestMaterialization.createdAt}>{new Date(a.latestMaterialization.createdAt).toLocaleString()}</time>
                    </Link>
                  ) : (
                    <span className="muted">never</span>
                  )}
                </td>
                <td>{checksSummary(a) || <span className="muted">none evaluated</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {assets.length > rows && (
        <p>
          Showing {rows} of {assets.length}.{' '}
          <button type="button" onClick={() => setRows((r) => r + PAGE_ROWS * 5)}>Show more</button>
        </p>
      )}
    </>
  );
}
