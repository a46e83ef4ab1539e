import { Page } from '../../components/page';

/** One run: status, live logs, timeline, cost, cancel. */
export function RunPage() {
  return (
    <Page title="Run">
      <p>Not built yet.</p>
    </Page>
  );
}
