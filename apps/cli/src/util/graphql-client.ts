import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Error returned by the Gantry GraphQL API, with its `extensions.code`. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** A minimal GraphQL client for the CLI: queries over HTTP, subscriptions over graphql-ws. */
export class GantryApi {
  private ws: Client | undefined;

  constructor(
    /** Base URL of the control plane, e.g. http://127.0.0.1:4000 */
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Runs a query or mutation. Errors: GraphQLRequestError with the first error's message and code. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    const first = body.errors?.[0];
    if (first) throw new GraphQLRequestError(first.message, first.extensions?.code);
    if (!body.data) throw new GraphQLRequestError(`HTTP ${res.status} without data`, undefined);
    return body.data;
  }

  /** Subscribes; `onData` gets each payload's data; resolves when the server completes the stream. */
  subscribe<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => void): { done: Promise<void>; cancel: () => void } {
    this.ws ??= createClient({
      url: `${this.baseUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${this.token}` },
      lazy: true,
      retryAttempts: 5,
    });
    let cancel = (): void => undefined;
    const done = new Promise<void>((resolve, reject) => {
      cancel = this.ws!.subscribe<T>(
        { query, variables },
        {
          next: (msg) => {
            if (msg.errors?.length) reject(new GraphQLRequestError(msg.errors[0]!.message, undefined));
            else if (msg.data) onData(msg.data);
          },
          error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
          complete: () => resolve(),
        },
      );
    });
    return { done, cancel: () => cancel() };
  }

  async close(): Promise<void> {
    await this.ws?.dispose();
  }
}
