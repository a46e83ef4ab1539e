import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Page } from '../../components/page';
import { Empty, errorMessage, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import type { LaunchAssetsQuery } from '../../gql/graphql';
import { roleAtLeast, useScope, useScopedPath } from '../../layout/scope';

const LaunchAssetsQueryDoc = graphql(`
  query LaunchAssets($deployment: String!) {
    assets(deployment: $deployment) {
      key
      description
      group
      codeLocation { name }
      partitionKeys
    }
  }
`);

const LaunchRunMutation = graphql(`
  mutation LaunchRun($input: LaunchRunInput!) {
    launchRun(input: $input) { id status }
  }
`);

type LaunchAsset = LaunchAssetsQuery['assets'][number];

/**
 * Launches a run: pick assets (searchable list, pre-selected from
 * `?assets=a/b,c/d`), a partition key or range when a selected asset is
 * partitioned, then launchRun and go to the run page. The server checks
 * role and selection; its refusal is shown as an alert.
 */
export function LaunchPage() {
  const { deployment } = useScope();
  const [result, reexecute] = useQuery({ query: LaunchAssetsQueryDoc, variables: { deployment } });
  return (
    <Page title="Launch a run">
      <QueryState result={result} what="assets" retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) =>
          data.assets.length === 0 ? (
            <Empty title="No assets to launch.">
              <p>Assets appear once an agent reports a code location for this deployment.</p>
            </Empty>
          ) : (
            <LaunchForm assets={data.assets} />
          )
        }
      </QueryState>
    </Page>
  );
}

function LaunchForm({ assets }: { assets: LaunchAsset[] }) {
  const { deployment, deploymentRole } = useScope();
  const path = useScopedPath();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [selected, setSelected] = useState<Set<string>>(() => new Set((params.get('assets') ?? '').split(',').map((k) => k.trim()).filter(Boolean)));
  const [search, setSearch] = useState('');
  const [mode, setMode] = useState<'single' | 'range'>('single');
  const [partitionKey, setPartitionKey] = useState('');
  const [rangeStart, setRangeStart] = useState('');
  const [rangeEnd, setRangeEnd] = useState('');
  const [launch, launchRun] = useMutation(LaunchRunMutation);

  const byKey = useMemo(() => new Map(assets.map((a) => [a.key, a])), [assets]);
  const unknown = [...selected].filter((k) => !byKey.has(k));
  const chosen = [...selected].map((k) => byKey.get(k)).filter((a): a is LaunchAsset => !!a);
  const partitioned = chosen.find((a) => a.partitionKeys && a.partitionKeys.length > 0);
  const partitionKeys = partitioned?.partitionKeys ?? [];
  const locations = new Set(chosen.map((a) => a.codeLocation?.name ?? '—'));
  const needle = search.trim().toLowerCase();
  const visible = assets.filter((a) => !needle || a.key.toLowerCase().includes(needle) || (a.description ?? '').toLowerCase().includes(needle));

  const toggle = (key: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const input = {
      deployment,
      assetKeys: [...selected],
      ...(partitioned && mode === 'single' && partitionKey && { partitionKey }),
      ...(partitioned && mode === 'range' && rangeStart && rangeEnd && { partitionRange: { start: rangeStart, end: rangeEnd } }),
    };
    const r = await launchRun({ input });
    if (r.data) navigate(path(`runs/${r.data.launchRun.id}`));
  };

  return (
    <form className="launch-form" onSubmit={submit}>
      {!roleAtLeast(deploymentRole, 'LAUNCHER') && (
        <p className="state">Your role here is {deploymentRole ?? 'none'}; launching needs Launcher or higher, so the server will likely refuse.</p>
      )}
      <fieldset className="launch-assets">
        <legend>Assets ({selected.size} selected)</legend>
        <div className="toolbar">
          <label>
            Search assets
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="key or description" />
          </label>
          <button type="button" onClick={() => setSelected((s) => new Set([...s, ...visible.map((a) => a.key)]))}>
            Select shown
          </button>
          <button type="button" onClick={() => setSelected(new Set())} disabled={selected.size === 0}>
            Clear selection
          </button>
        </div>
        {visible.length === 0 ? (
          <p className="muted">No asset matches “{search}”.</p>
        ) : (
          <ul className="launch-asset-list plain-list">
            {visible.map((a) => (
              <li key={a.key}>
                <label>
                  <input type="checkbox" checked={selected.has(a.key)} onChange={() => toggle(a.key)} />
                  <span className="mono">{a.key}</span>
                  <span className="muted">
                    {' '}
                    · {a.codeLocation?.name ?? 'no code location'} · {a.group}
                    {a.partitionKeys ? ` · ${a.partitionKeys.length} partitions` : ''}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      {unknown.length > 0 && <p className="error">Not in this deployment’s catalog: {unknown.join(', ')} (the server will refuse them).</p>}
      {locations.size > 1 && <p className="error">The selection spans code locations ({[...locations].join(', ')}); a run covers one code location.</p>}

      {partitioned && (
        <fieldset className="launch-partitions">
          <legend>Partitions of {partitioned.key}</legend>
          <div className="form">
            <label className="inline">
              <input type="radio" name="partition-mode" checked={mode === 'single'} onChange={() => setMode('single')} /> One partition
            </label>
            <label className="inline">
              <input type="radio" name="partition-mode" checked={mode === 'range'} onChange={() => setMode('range')} /> A range
            </label>
          </div>
          {mode === 'single' ? (
            <div className="form">
              <label>
                Partition key
                <select value={partitionKey} onChange={(e) => setPartitionKey(e.target.value)} required>
                  <option value="">Choose…</option>
                  {partitionKeys.map((k) => (
                    <option key={k}>{k}</option>
                  ))}
                </select>
              </label>
            </div>
          ) : (
            <div className="form">
              <label>
                First partition
                <select value={rangeStart} onChange={(e) => setRangeStart(e.target.value)} required>
                  <option value="">Choose…</option>
                  {partitionKeys.map((k) => (
                    <option key={k}>{k}</option>
                  ))}
                </select>
              </label>
              <label>
                Last partition
                <select value={rangeEnd} onChange={(e) => setRangeEnd(e.target.value)} required>
                  <option value="">Choose…</option>
                  {partitionKeys.map((k) => (
                    <option key={k}>{k}</option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                onClick={() => {
                  setRangeStart(partitionKeys[0] ?? '');
                  setRangeEnd(partitionKeys[partitionKeys.length - 1] ?? '');
                }}
              >
                All {partitionKeys.length}
              </button>
            </div>
          )}
        </fieldset>
      )}

      {launch.error && (
        <div className="state state-error" role="alert">
          <p className="state-title">The run was not launched</p>
          <p>{errorMessage(launch.error)}</p>
        </div>
      )}
      <div className="form">
        <button type="submit" className="primary" disabled={selected.size === 0 || launch.fetching}>
          {launch.fetching ? 'Launching…' : `Launch run of ${selected.size} asset${selected.size === 1 ? '' : 's'}`}
        </button>
      </div>
    </form>
  );
}
