import { useEffect } from 'react';
import { useQuery } from 'urql';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { absoluteTime, relativeTime } from './relative-time';

const AgentsQuery = graphql(`
  query Agents {
    agents {
      id name version launcher queues deployments slots runsInFlight
      connected connectedAt lastHeartbeatAt health
    }
  }
`);

/** How often the list refreshes: health changes within a few heartbeats. */
const REFRESH_MS = 5_000;

const HEALTH_LABEL = { HEALTHY: 'Healthy', UNHEALTHY: 'Unhealthy', DISCONNECTED: 'Disconnected' } as const;

/** The organization's agents (connected first), refreshed every few seconds: name, health badge, version, launcher, queues, slots in use, last heartbeat. */
export function AgentsTable() {
  const [result, reexecute] = useQuery({ query: AgentsQuery });
  useEffect(() => {
    const timer = setInterval(() => reexecute({ requestPolicy: 'network-only' }), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reexecute]);
  return (
    <QueryState result={result} what="agents" retry={() => reexecute({ requestPolicy: 'network-only' })}>
      {({ agents }) =>
        agents.length === 0 ? (
          <Empty title="No agent has connected yet">
            <p>Create an agent token below and install an agent with it; it appears here once it dials in.</p>
          </Empty>
        ) : (
          <table className="data" aria-label="Agents">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Health</th>
                <th scope="col">Version</th>
                <th scope="col">Launcher</th>
                <th scope="col">Queues</th>
                <th scope="col">Deployments</th>
                <th scope="col">Runs in flight</th>
                <th scope="col">Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.id} data-testid="agent-row">
                  <td>{a.name}</td>
                  <td>
                    <span className={`status status-${a.health}`}>{HEALTH_LABEL[a.health]}</span>
                  </td>
                  <td className="mono">{a.version}</td>
                  <td>{a.launcher}</td>
                  <td>{a.queues.length ? a.queues.join(', ') : <span className="muted">default</span>}</td>
                  <td>{a.deployments.length ? a.deployments.join(', ') : <span className="muted">all</span>}</td>
                  <td>
                    {a.runsInFlight} of {a.slots} slots
                  </td>
                  <td title={absoluteTime(a.lastHeartbeatAt)}>{relativeTime(a.lastHeartbeatAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </QueryState>
  );
}
