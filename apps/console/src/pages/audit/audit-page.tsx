import { Page } from '../../components/page';

/** The audit log with filters and export. */
export function AuditPage() {
  return (
    <Page title="Audit log">
      <p>Not built yet.</p>
    </Page>
  );
}
