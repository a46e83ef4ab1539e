import { Page } from '../../components/page';

/** Asset catalog: search, filters and the lineage graph. */
export function CatalogPage() {
  return (
    <Page title="Assets">
      <p>Not built yet.</p>
    </Page>
  );
}
