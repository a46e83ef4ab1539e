import { Page } from '../../components/page';

/** Launch a run of selected assets (and partitions). */
export function LaunchPage() {
  return (
    <Page title="Launch">
      <p>Not built yet.</p>
    </Page>
  );
}
