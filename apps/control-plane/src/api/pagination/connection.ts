import type { Type } from '@nestjs/common';
import { Field, ObjectType } from '@nestjs/graphql';
import { PageInfo } from './page-info.model';

/** An edge of a connection: the item and the cursor just after it. */
export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A Relay-style page of items, newest or lowest first depending on the list. */
export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/**
 * Builds the GraphQL types `<Name>Edge` and an abstract connection for a node
 * type; declare the concrete connection as
 * `@ObjectType() class RunConnection extends Connection(Run, 'Run') {}`.
 */
export function Connection<T>(node: Type<T>, name: string): Type<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType implements Edge<T> {
    @Field(() => String, { description: 'Opaque cursor; pass it as `after` to continue after this item.' })
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType({ isAbstract: true })
  abstract class ConnectionType implements ConnectionShape<T> {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType as unknown as Type<ConnectionShape<T>>;
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only proves that
 * a next page exists.
 */
export function toConnection<R, T>(rows: readonly R[], limit: number, cursorOf: (row: R) => string, toNode: (row: R) => T): ConnectionShape<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((row) => ({ cursor: cursorOf(row), node: toNode(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
}
