import { Page } from '../../components/page';

/** Cost: top assets, trend, per deployment and group, budgets. */
export function CostPage() {
  return (
    <Page title="Cost">
      <p>Not built yet.</p>
    </Page>
  );
}
