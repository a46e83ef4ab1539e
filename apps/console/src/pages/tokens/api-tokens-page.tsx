import { Page } from '../../components/page';

/** API tokens: create (secret shown once), list, revoke. */
export function ApiTokensPage() {
  return (
    <Page title="API tokens">
      <p>Not built yet.</p>
    </Page>
  );
}
