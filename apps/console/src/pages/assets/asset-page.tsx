import { Page } from '../../components/page';

/** One asset: definition, materializations, checks, partitions, cost. */
export function AssetPage() {
  return (
    <Page title="Asset">
      <p>Not built yet.</p>
    </Page>
  );
}
