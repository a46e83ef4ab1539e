import { NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useAuth } from '../auth/auth-context';
import { ErrorState, Loading } from '../components/states';
import { graphql } from '../gql';
import { GraphqlProvider } from '../graphql/graphql-provider';
import { NAV_ITEMS } from './nav-items';
import { roleAtLeast, ScopeContext, type RoleName, type Scope } from './scope';

const ShellQuery = graphql(`
  query Shell($deployment: String) {
    myOrganizations { id slug name }
    deployments { id name }
    deploymentRole: myRole(deployment: $deployment)
    organizationRole: myRole
  }
`);

/** `/:org/:deployment/*`: a GraphQL client for the organization, the shell (switchers, navigation, sign out) and the page. */
export function OrganizationLayout() {
  const { org = '' } = useParams();
  return (
    <GraphqlProvider organization={org}>
      <Shell key={org} />
    </GraphqlProvider>
  );
}

function Shell() {
  const { org = '', deployment = '' } = useParams();
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [result, retry] = useQuery({ query: ShellQuery, variables: { deployment }, requestPolicy: 'cache-first' });
  const data = result.data;
  const scope: Scope | null = data ? { org, deployment, deploymentRole: (data.deploymentRole ?? null) as RoleName | null, organizationRole: (data.organizationRole ?? null) as RoleName | null } : null;
  // The page below the deployment (e.g. "runs/…") is kept when switching organization or deployment.
  const section = location.pathname.split('/').slice(3, 4).join('/') || 'assets';

  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <span className="brand">Gantry</span>
        {data && (
          <>
            <label className="switcher">
              <span>Organization</span>
              <select value={org} onChange={(e) => navigate(`/${encodeURIComponent(e.target.value)}`)}>
                {data.myOrganizations.map((o) => (
                  <option key={o.id} value={o.slug}>{o.name}</option>
                ))}
              </select>
            </label>
            <label className="switcher">
              <span>Deployment</span>
              <select value={deployment} onChange={(e) => navigate(`/${encodeURIComponent(org)}/${encodeURIComponent(e.target.value)}/${section}`)}>
                {data.deployments.map((d) => (
                  <option key={d.id} value={d.name}>{d.name}</option>
                ))}
              </select>
            </label>
          </>
        )}
        <span className="spacer" />
        <span className="user" title={auth.user.subject}>{auth.user.email ?? auth.user.name}</span>
        <button type="button" onClick={() => void auth.signOut()}>Sign out</button>
      </header>
      <div className="body">
        <nav className="sidenav" aria-label="Console">
          <ul>
            {scope &&
              NAV_ITEMS.filter((i) => roleAtLeast(i.at === 'deployment' ? scope.deploymentRole : scope.organizationRole, i.role)).map((i) => (
                <li key={i.path}>
                  <NavLink to={`/${encodeURIComponent(org)}/${encodeURIComponent(deployment)}/${i.path}`}>{i.label}</NavLink>
                </li>
              ))}
          </ul>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          {result.error && !data ? <ErrorState error={result.error} retry={() => retry({ requestPolicy: 'network-only' })} /> : null}
          {!data && !result.error ? <Loading what="your organization" /> : null}
          {scope && (
            <ScopeContext.Provider value={scope}>
              <Outlet />
            </ScopeContext.Provider>
          )}
        </main>
      </div>
    </div>
  );
}
