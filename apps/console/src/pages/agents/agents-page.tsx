import { Page } from '../../components/page';
import { roleAtLeast, useScope } from '../../layout/scope';
import { AgentTokens } from './agent-tokens';
import { AgentsTable } from './agents-table';

/**
 * `/:org/:deployment/agents`: the organization's agents with their health,
 * and for Admins the agent tokens with create, rotate, revoke and the Helm
 * install command. Hidden sections are still refused by the server.
 */
export function AgentsPage() {
  const { organizationRole } = useScope();
  return (
    <Page title="Agents">
      <h2 id="agents-heading">Connected agents</h2>
      <AgentsTable />
      {roleAtLeast(organizationRole, 'ADMIN') && (
        <section aria-labelledby="agent-tokens-heading">
          <h2 id="agent-tokens-heading">Agent tokens</h2>
          <p className="muted">An agent dials out to Gantry with a token; tokens can be limited to some deployments.</p>
          <AgentTokens />
        </section>
      )}
    </Page>
  );
}
