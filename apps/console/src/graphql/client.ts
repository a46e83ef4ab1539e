import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient } from 'graphql-ws';
import type { Auth } from '../auth/auth';

/**
 * A urql client acting in one organization: HTTP requests carry the bearer
 * token and `X-Gantry-Organization`; subscriptions go over graphql-ws on the
 * same origin with `{ authorization, organization }` as connection params.
 * The returned `dispose` closes the WebSocket.
 */
export function createGraphqlClient(auth: Auth, organization: string | null): { client: Client; dispose: () => void } {
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;
  const ws = createWsClient({
    url: wsUrl,
    lazy: true,
    retryAttempts: 5,
    connectionParams: async () => ({ authorization: `Bearer ${await auth.token()}`, ...(organization && { organization }) }),
  });
  const client = new Client({
    url: '/graphql',
    // POST with a JSON body: the server's CSRF protection refuses simple GET requests without a preflight header.
    preferGetMethod: false,
    // Fresh data on every page visit; urql's document cache still dedupes identical in-flight queries.
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }) };
        },
      }),
    ],
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${await auth.token()}`);
      if (organization) headers.set('x-gantry-organization', organization);
      return fetch(input, { ...init, headers });
    },
  });
  return { client, dispose: () => void ws.dispose() };
}
