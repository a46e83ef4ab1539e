/** The catalog's view of an asset: what the list and the graph show and filter on. */
export interface CatalogAsset {
  key: string;
  group: string;
  owners: string[];
  kinds: string[];
  tags: { key: string; value: string }[];
  description?: string | null;
  upstream: { key: string }[];
  latestMaterialization?: { createdAt: string; runId: string } | null;
  latestCheckEvaluations: { checkName: string; passed: boolean; severity: string }[];
}

/** Where an asset stands: never materialized, materialized, or materialized with a failed check. */
export type AssetStatus = 'NEVER' | 'MATERIALIZED' | 'CHECKS_FAILING';

/** Label of each status, shown beside its colour (colour is never the only signal). */
export const STATUS_LABELS: Record<AssetStatus, string> = {
  NEVER: 'Never materialized',
  MATERIALIZED: 'Materialized',
  CHECKS_FAILING: 'Checks failing',
};

/** A text symbol per status, so the graph's nodes read without colour. */
export const STATUS_ICONS: Record<AssetStatus, string> = { NEVER: '○', MATERIALIZED: '●', CHECKS_FAILING: '✕' };

/** The status of an asset: a failed latest check evaluation wins over a materialization. */
export function assetStatus(asset: Pick<CatalogAsset, 'latestMaterialization' | 'latestCheckEvaluations'>): AssetStatus {
  if (asset.latestCheckEvaluations.some((e) => !e.passed)) return 'CHECKS_FAILING';
  return asset.latestMaterialization ? 'MATERIALIZED' : 'NEVER';
}

/** "2/3 passed", or "" when the asset has no evaluated check. */
export function checksSummary(asset: Pick<CatalogAsset, 'latestCheckEvaluations'>): string {
  const all = asset.latestCheckEvaluations;
  if (all.length === 0) return '';
  return `${all.filter((e) => e.passed).length}/${all.length} checks passed`;
}

/** The catalog's filters, as kept in the URL query string. Empty strings mean "any". */
export interface CatalogFilters {
  search: string;
  group: string;
  owner: string;
  kind: string;
  /** "key=value" (or "key" for any value). */
  tag: string;
  status: AssetStatus | '';
}

/** Which view the catalog shows and, in the graph, which lineage of the selection. */
export type CatalogView = 'table' | 'graph';
export type LineageFocus = 'all' | 'upstream' | 'downstream' | 'both';

const STATUSES: readonly AssetStatus[] = ['NEVER', 'MATERIALIZED', 'CHECKS_FAILING'];
const FOCUSES: readonly LineageFocus[] = ['all', 'upstream', 'downstream', 'both'];

/** Filters from the query string (unknown values become "any"). Pure. */
export function readFilters(params: URLSearchParams): CatalogFilters {
  const status = params.get('status') ?? '';
  return {
    search: params.get('q') ?? '',
    group: params.get('group') ?? '',
    owner: params.get('owner') ?? '',
    kind: params.get('kind') ?? '',
    tag: params.get('tag') ?? '',
    status: (STATUSES as readonly string[]).includes(status) ? (status as AssetStatus) : '',
  };
}

/** The view (`view=graph`, default table), the focus (`focus=`) and the selected keys (`selected=a/b,c/d`). Pure. */
export function readViewState(params: URLSearchParams): { view: CatalogView; focus: LineageFocus; selected: string[] } {
  const focus = params.get('focus') ?? 'all';
  return {
    view: params.get('view') === 'graph' ? 'graph' : 'table',
    focus: (FOCUSES as readonly string[]).includes(focus) ? (focus as LineageFocus) : 'all',
    selected: (params.get('selected') ?? '').split(',').filter(Boolean),
  };
}

/** `params` with `changes` applied; empty or default values are removed so links stay short. Pure. */
export function withParams(params: URLSearchParams, changes: Record<string, string | null>): URLSearchParams {
  const next = new URLSearchParams(params);
  const defaults: Record<string, string> = { view: 'table', focus: 'all' };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === '' || defaults[name] === value) next.delete(name);
    else next.set(name, value);
  }
  return next;
}

/** Query-string names of the filters. */
export const FILTER_PARAMS: Record<keyof CatalogFilters, string> = { search: 'q', group: 'group', owner: 'owner', kind: 'kind', tag: 'tag', status: 'status' };

/** True when any filter is set. */
export function hasFilters(f: CatalogFilters): boolean {
  return Object.values(f).some((v) => v !== '');
}

/** The assets that pass every filter; search matches key or description, case-insensitive. Pure. */
export function applyFilters<T extends CatalogAsset>(assets: readonly T[], f: CatalogFilters): T[] {
  const search = f.search.trim().toLowerCase();
  const [tagKey, ...rest] = f.tag.split('=');
  const tagValue = rest.length ? rest.join('=') : null;
  return assets.filter(
    (a) =>
      (!search || a.key.toLowerCase().includes(search) || (a.description ?? '').toLowerCase().includes(search)) &&
      (!f.group || a.group === f.group) &&
      (!f.owner || a.owners.includes(f.owner)) &&
      (!f.kind || a.kinds.includes(f.kind)) &&
      (!f.tag || a.tags.some((t) => t.key === tagKey && (tagValue === null || t.value === tagValue))) &&
      (!f.status || assetStatus(a) === f.status),
  );
}

/** The distinct groups, owners, kinds and tags ("key=value") of the catalog, sorted, for the filter menus. Pure. */
export function filterOptions(assets: readonly CatalogAsset[]): { groups: string[]; owners: string[]; kinds: string[]; tags: string[] } {
  const groups = new Set<string>();
  const owners = new Set<string>();
  const kinds = new Set<string>();
  const tags = new Set<string>();
  for (const a of assets) {
    groups.add(a.group);
    a.owners.forEach((o) => owners.add(o));
    a.kinds.forEach((k) => kinds.add(k));
    a.tags.forEach((t) => tags.add(`${t.key}=${t.value}`));
  }
  const sorted = (s: Set<string>) => [...s].sort((x, y) => x.localeCompare(y));
  return { groups: sorted(groups), owners: sorted(owners), kinds: sorted(kinds), tags: sorted(tags) };
}
