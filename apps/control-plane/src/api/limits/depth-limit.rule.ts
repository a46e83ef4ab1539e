import { Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValidationRule } from 'graphql';
import { limitError } from './limit-errors';

/**
 * Depth of the deepest field path of a selection set, following fragments
 * (each fragment's depth is computed once, so fragment fan-out costs linear
 * time). Fields whose name starts with `__` (introspection) end the path;
 * a fragment cycle counts as depth 0 (the specified rules reject it).
 */
export function selectionDepth(
  set: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  memo: Map<string, number> = new Map(),
  visiting: Set<string> = new Set(),
): number {
  if (!set) return 0;
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + selectionDepth(selection.selectionSet, fragments, memo, visiting));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, memo, visiting));
    } else {
      const name = selection.name.value;
      let depth = memo.get(name);
      if (depth === undefined) {
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        depth = selectionDepth(fragment.selectionSet, fragments, memo, visiting);
        visiting.delete(name);
        memo.set(name, depth);
      }
      deepest = Math.max(deepest, depth);
    }
  }
  return deepest;
}

/**
 * Validation rule refusing operations nested deeper than `maxDepth` field
 * levels (`assets { upstream { upstream { key } } }` is 4), with
 * `extensions.code = QUERY_TOO_DEEP`, the limit and the actual depth. The
 * asset graph is recursive, so depth bounds the work a single query can ask.
 */
export function maxDepthRule(maxDepth: number): ValidationRule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const memo = new Map<string, number>();
    return {
      OperationDefinition(operation) {
        const depth = selectionDepth(operation.selectionSet, fragments, memo);
        if (depth > maxDepth) {
          const name = operation.name ? ` ${operation.name.value}` : '';
          context.reportError(
            limitError('QUERY_TOO_DEEP', `operation${name} is nested ${depth} levels deep; the limit is ${maxDepth} (GANTRY_GRAPHQL_MAX_DEPTH)`, {
              setting: 'GANTRY_GRAPHQL_MAX_DEPTH',
              limit: maxDepth,
              actual: depth,
            }),
          );
        }
        return false;
      },
    };
  };
}
