import { Page } from '../../components/page';

/** Runs of the deployment with filters. */
export function RunsPage() {
  return (
    <Page title="Runs">
      <p>Not built yet.</p>
    </Page>
  );
}
