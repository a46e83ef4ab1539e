import { useEffect, useMemo, type ReactNode } from 'react';
import { Provider } from 'urql';
import { useAuth } from '../auth/auth-context';
import { createGraphqlClient } from './client';

/**
 * Provides a urql client acting in `organization` (null: user-level
 * operations only) to `children`; a new organization gets a new client, and
 * the old one's WebSocket is closed.
 */
export function GraphqlProvider({ organization, children }: { organization: string | null; children: ReactNode }) {
  const auth = useAuth();
  const graphqlClient = useMemo(() => createGraphqlClient(auth, organization), [auth, organization]);
  useEffect(() => graphqlClient.dispose, [graphqlClient]);
  return <Provider value={graphqlClient.client}>{children}</Provider>;
}
