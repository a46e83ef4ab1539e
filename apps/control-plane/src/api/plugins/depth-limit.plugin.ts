import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GraphqlContext } from '../graphql-context';

/** Deepest field nesting accepted (e.g. `assets { upstream { upstream { … } } }`); introspection fields are not counted. */
export const MAX_QUERY_DEPTH = 12;

/**
 * Depth of the deepest field path of a selection set, following fragments.
 * Fields whose name starts with `__` (introspection) end the path.
 */
export function selectionDepth(set: SelectionSetNode | undefined, fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen: ReadonlySet<string> = new Set()): number {
  if (!set) return 0;
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + selectionDepth(selection.selectionSet, fragments, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment && !seen.has(name)) deepest = Math.max(deepest, selectionDepth(fragment.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return deepest;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

/**
 * Refuses operations nested deeper than {@link MAX_QUERY_DEPTH} with HTTP 400
 * and `extensions.code = QUERY_TOO_DEEP`, before any resolver runs: the asset
 * graph is recursive, so depth is the cost that matters.
 */
@Plugin()
export class DepthLimitPlugin implements ApolloServerPlugin<GraphqlContext> {
  async requestDidStart(): Promise<GraphQLRequestListener<GraphqlContext>> {
    return {
      async didResolveOperation({ operation, document }) {
        if (!operation) return;
        const depth = selectionDepth(operation.selectionSet, fragmentsOf(document));
        if (depth > MAX_QUERY_DEPTH) {
          throw new GraphQLError(`query is nested ${depth} levels deep; the limit is ${MAX_QUERY_DEPTH}`, {
            extensions: { code: 'QUERY_TOO_DEEP', http: { status: 400 } },
          });
        }
      },
    };
  }
}
