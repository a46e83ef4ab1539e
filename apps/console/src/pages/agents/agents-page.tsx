import { Page } from '../../components/page';

/** Agents and agent tokens with the Helm install command. */
export function AgentsPage() {
  return (
    <Page title="Agents">
      <p>Not built yet.</p>
    </Page>
  );
}
