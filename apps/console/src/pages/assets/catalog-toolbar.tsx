import { useId, useMemo } from 'react';
import { filterOptions, STATUS_LABELS, type AssetStatus, type CatalogAsset, type CatalogFilters, type CatalogView, type LineageFocus } from './catalog-filters';

const FOCUS_LABELS: Record<LineageFocus, string> = {
  all: 'Whole graph',
  upstream: 'Upstream of selection',
  downstream: 'Downstream of selection',
  both: 'Upstream and downstream',
};

/**
 * Search, the filter menus (group, owner, kind, tag, status; their options
 * come from the catalog) and, in the graph view, the lineage focus. Every
 * change goes to the query string through `update` (parameter → value, null
 * clears).
 */
export function CatalogToolbar({ assets, filters, view, focus, update }: {
  assets: readonly CatalogAsset[];
  filters: CatalogFilters;
  view: CatalogView;
  focus: LineageFocus;
  update: (changes: Record<string, string | null>) => void;
}) {
  const options = useMemo(() => filterOptions(assets), [assets]);
  const id = useId();
  // Label and control tied by id (not nested), so a select's accessible name is its label alone, not label + current value.
  const menu = (label: string, param: string, value: string, values: string[], names: Record<string, string> = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${param}`}>{label}</label>
      <select id={`${id}-${param}`} value={value} onChange={(e) => update({ [param]: e.target.value || null })}>
        <option value="">Any</option>
        {values.map((v) => (
          <option key={v} value={v}>{names[v] ?? v}</option>
        ))}
      </select>
    </div>
  );
  return (
    <form className="toolbar catalog-toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
      <label>
        Search
        <input type="search" value={filters.search} placeholder="Key or description" onChange={(e) => update({ q: e.target.value || null })} />
      </label>
      {menu('Group', 'group', filters.group, options.groups)}
      {menu('Owner', 'owner', filters.owner, options.owners)}
      {menu('Kind', 'kind', filters.kind, options.kinds)}
      {menu('Tag', 'tag', filters.tag, options.tags)}
      {menu('Status', 'status', filters.status, Object.keys(STATUS_LABELS) as AssetStatus[], STATUS_LABELS)}
      {view === 'graph' && (
        <div className="field">
          <label htmlFor={`${id}-focus`}>Lineage</label>
          <select id={`${id}-focus`} value={focus} onChange={(e) => update({ focus: e.target.value })}>
            {(Object.keys(FOCUS_LABELS) as LineageFocus[]).map((f) => (
              <option key={f} value={f}>{FOCUS_LABELS[f]}</option>
            ))}
          </select>
        </div>
      )}
    </form>
  );
}
