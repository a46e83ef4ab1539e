import { Page } from '../../components/page';

/** Teams and their members. */
export function TeamsPage() {
  return (
    <Page title="Teams">
      <p>Not built yet.</p>
    </Page>
  );
}
