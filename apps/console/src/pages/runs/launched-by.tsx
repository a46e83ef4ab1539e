import { useQuery } from 'urql';
import { graphql } from '../../gql';

const MemberNamesQuery = graphql(`
  query RunLauncherNames {
    members { user { id name email } }
  }
`);

/**
 * Who launched a run, for display: `user:<id>` becomes the member's name or
 * email when the caller may list members; anything else (API tokens,
 * schedules, unknown users) stays as the server gave it.
 */
export function useLaunchedByLabel(): (launchedBy: string | null | undefined) => string {
  const [result] = useQuery({ query: MemberNamesQuery });
  const names = new Map((result.data?.members ?? []).map((m) => [`user:${m.user.id}`, m.user.name ?? m.user.email ?? m.user.id]));
  return (launchedBy) => (launchedBy ? (names.get(launchedBy) ?? launchedBy) : '—');
}
