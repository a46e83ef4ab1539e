import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { Home, OrganizationHome } from './layout/home';
import { OrganizationLayout } from './layout/organization-layout';
import { AgentsPage } from './pages/agents/agents-page';
import { AssetPage } from './pages/assets/asset-page';
import { CatalogPage } from './pages/assets/catalog-page';
import { AuditPage } from './pages/audit/audit-page';
import { CostPage } from './pages/cost/cost-page';
import { LaunchPage } from './pages/launch/launch-page';
import { InvitationsPage } from './pages/members/invitations-page';
import { MembersPage } from './pages/members/members-page';
import { TeamsPage } from './pages/members/teams-page';
import { RunPage } from './pages/runs/run-page';
import { RunsPage } from './pages/runs/runs-page';
import { ApiTokensPage } from './pages/tokens/api-tokens-page';

/**
 * Routes: `/<organization>/<deployment>/<page>`. Asset keys keep their
 * slashes (`assets/flights/raw`), as in the API.
 */
const router = createBrowserRouter([
  { path: '/', element: <Home /> },
  { path: '/:org', element: <OrganizationHome /> },
  {
    path: '/:org/:deployment',
    element: <OrganizationLayout />,
    children: [
      { index: true, element: <Navigate to="assets" replace /> },
      { path: 'assets', element: <CatalogPage /> },
      { path: 'assets/*', element: <AssetPage /> },
      { path: 'launch', element: <LaunchPage /> },
      { path: 'runs', element: <RunsPage /> },
      { path: 'runs/:runId', element: <RunPage /> },
      { path: 'agents', element: <AgentsPage /> },
      { path: 'cost', element: <CostPage /> },
      { path: 'members', element: <MembersPage /> },
      { path: 'teams', element: <TeamsPage /> },
      { path: 'invitations', element: <InvitationsPage /> },
      { path: 'tokens', element: <ApiTokensPage /> },
      { path: 'audit', element: <AuditPage /> },
      { path: '*', element: <p className="state">No such page.</p> },
    ],
  },
]);

/** The console's router. */
export function App() {
  return <RouterProvider router={router} />;
}
