import { Page } from '../../components/page';

/** Open invitations. */
export function InvitationsPage() {
  return (
    <Page title="Invitations">
      <p>Not built yet.</p>
    </Page>
  );
}
