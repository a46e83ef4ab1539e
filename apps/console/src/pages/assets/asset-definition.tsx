import { Link } from 'react-router';
import type { AssetPageQuery } from '../../gql/graphql';
import { useScopedPath } from '../../layout/scope';
import { formatDateTime } from '../runs/run-format';

type Asset = NonNullable<AssetPageQuery['asset']>;

/** What an asset is: description, group, owners, kinds, tags, code version and location, partitioning, upstream and downstream links. */
export function AssetDefinition({ asset }: { asset: Asset }) {
  const path = useScopedPath();
  const list = (items: readonly string[]) => (items.length ? items.join(', ') : '—');
  const links = (keys: readonly { key: string }[]) =>
    keys.length === 0 ? (
      '—'
    ) : (
      <ul className="plain-list">
        {keys.map((a) => (
          <li key={a.key}>
            <Link to={path(`assets/${a.key}`)}>{a.key}</Link>
          </li>
        ))}
      </ul>
    );
  const p = asset.partitionsDefinition;
  return (
    <section aria-labelledby="asset-definition-title">
      <h2 id="asset-definition-title" className="visually-hidden">
        Definition
      </h2>
      {!asset.active && <p className="state">This asset is no longer in its code location (inactive).</p>}
      <p>{asset.description ?? <span className="muted">No description.</span>}</p>
      <dl className="facts">
        <div>
          <dt>Key</dt>
          <dd className="mono">{asset.key}</dd>
        </div>
        <div>
          <dt>Group</dt>
          <dd>{asset.group}</dd>
        </div>
        <div>
          <dt>Owners</dt>
          <dd>{list(asset.owners)}</dd>
        </div>
        <div>
          <dt>Kinds</dt>
          <dd>{list(asset.kinds)}</dd>
        </div>
        <div>
          <dt>Tags</dt>
          <dd>{list(asset.tags.map((t) => `${t.key}=${t.value}`))}</dd>
        </div>
        <div>
          <dt>Code version</dt>
          <dd className="mono">{asset.codeVersion ?? '—'}</dd>
        </div>
        <div>
          <dt>Code location</dt>
          <dd>
            {asset.codeLocation ? `${asset.codeLocation.name}${asset.codeLocation.currentVersion != null ? ` (version ${asset.codeLocation.currentVersion})` : ''}` : '—'}
          </dd>
        </div>
        <div>
          <dt>Partitions</dt>
          <dd>
            {p
              ? p.kind === 'TIME'
                ? `time, ${p.cron ?? ''} from ${p.start ?? '?'} to ${p.end ?? 'now'} (${asset.partitionKeys?.length ?? 0})`
                : `static, ${asset.partitionKeys?.length ?? 0} keys`
              : 'not partitioned'}
          </dd>
        </div>
        <div>
          <dt>Last materialized</dt>
          <dd>
            {asset.latestMaterialization ? (
              <Link to={path(`runs/${asset.latestMaterialization.runId}`)}>{formatDateTime(asset.latestMaterialization.createdAt)}</Link>
            ) : (
              'never'
            )}
          </dd>
        </div>
        <div>
          <dt>Upstream</dt>
          <dd>{links(asset.upstream)}</dd>
        </div>
        <div>
          <dt>Downstream</dt>
          <dd>{links(asset.downstream)}</dd>
        </div>
      </dl>
    </section>
  );
}
