import { Page } from '../../components/page';

/** Members and their roles. */
export function MembersPage() {
  return (
    <Page title="Members">
      <p>Not built yet.</p>
    </Page>
  );
}
