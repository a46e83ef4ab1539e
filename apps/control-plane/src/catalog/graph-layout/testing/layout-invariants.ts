import { NODE_HEIGHT, NODE_WIDTH, type AssetGraphInput, type AssetNodePosition } from '../layout-asset-graph';

/** What a layout of `assets` must satisfy, as a list of violations (empty: fine). */
export function layoutViolations(assets: readonly AssetGraphInput[], layout: { width: number; height: number; nodes: readonly AssetNodePosition[] }): string[] {
  const problems: string[] = [];
  const at = new Map(layout.nodes.map((n) => [n.key, n]));
  const keys = new Set(assets.map((a) => a.key));
  if (layout.nodes.length !== at.size) problems.push('a key appears twice');
  for (const k of keys) if (!at.has(k)) problems.push(`missing ${k}`);
  for (const k of at.keys()) if (!keys.has(k)) problems.push(`unexpected ${k}`);
  for (const n of layout.nodes) {
    if (n.x < 0 || n.y < 0 || n.x + NODE_WIDTH > layout.width + 0.5 || n.y + NODE_HEIGHT > layout.height + 0.5) problems.push(`${n.key} at (${n.x}, ${n.y}) is outside ${layout.width}×${layout.height}`);
  }
  for (const a of assets) {
    const down = at.get(a.key);
    for (const u of a.upstream) {
      const up = at.get(u);
      if (down && up && !(up.x + NODE_WIDTH <= down.x)) problems.push(`${u} (x=${up.x}) is not left of its downstream ${a.key} (x=${down.x})`);
    }
  }
  // Overlaps: sort by x, compare with boxes that start before this one ends (O(n log n + overlapping pairs)).
  const byX = [...layout.nodes].sort((p, q) => p.x - q.x);
  for (let i = 0; i < byX.length; i++) {
    const p = byX[i]!;
    for (let j = i + 1; j < byX.length && byX[j]!.x < p.x + NODE_WIDTH; j++) {
      const q = byX[j]!;
      if (q.y < p.y + NODE_HEIGHT && p.y < q.y + NODE_HEIGHT) problems.push(`${p.key} and ${q.key} overlap`);
    }
  }
  return problems;
}
