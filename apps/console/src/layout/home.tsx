import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorState, errorMessage, Loading } from '../components/states';
import { graphql } from '../gql';
import { GraphqlProvider } from '../graphql/graphql-provider';

const MyOrganizationsQuery = graphql(`
  query MyOrganizations { myOrganizations { id slug name } }
`);
const DeploymentsQuery = graphql(`
  query Deployments { deployments { id name } }
`);
const CreateOrganizationMutation = graphql(`
  mutation CreateOrganization($slug: String!, $name: String!) { createOrganization(slug: $slug, name: $name) { id slug } }
`);

/** `/`: goes to the first organization, or offers to create one. */
export function Home() {
  return (
    <GraphqlProvider organization={null}>
      <main id="main" className="main narrow">
        <ChooseOrganization />
      </main>
    </GraphqlProvider>
  );
}

function ChooseOrganization() {
  const navigate = useNavigate();
  const [result, retry] = useQuery({ query: MyOrganizationsQuery });
  const first = result.data?.myOrganizations[0];
  useEffect(() => {
    if (first) navigate(`/${encodeURIComponent(first.slug)}`, { replace: true });
  }, [first, navigate]);
  if (result.error) return <ErrorState error={result.error} retry={() => retry({ requestPolicy: 'network-only' })} />;
  if (!result.data || first) return <Loading what="your organizations" />;
  return <CreateOrganization />;
}

function CreateOrganization() {
  const navigate = useNavigate();
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [state, create] = useMutation(CreateOrganizationMutation);
  return (
    <Empty title="You are not a member of any organization yet">
      <p>Ask an admin to invite your email address, or create an organization.</p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void create({ slug, name }).then((r) => {
            if (r.data) navigate(`/${encodeURIComponent(r.data.createOrganization.slug)}`);
          });
        }}
      >
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <label>
          Slug (in URLs) <input value={slug} onChange={(e) => setSlug(e.target.value)} required pattern="[a-z0-9][a-z0-9-]*" maxLength={40} />
        </label>
        <button type="submit" disabled={state.fetching}>Create organization</button>
        {state.error && <p role="alert" className="error">{errorMessage(state.error)}</p>}
      </form>
    </Empty>
  );
}

/** `/:org`: goes to the organization's `prod` deployment (or its first). */
export function OrganizationHome() {
  const { org = '' } = useParams();
  return (
    <GraphqlProvider organization={org}>
      <main id="main" className="main narrow">
        <ChooseDeployment org={org} />
      </main>
    </GraphqlProvider>
  );
}

function ChooseDeployment({ org }: { org: string }) {
  const navigate = useNavigate();
  const [result, retry] = useQuery({ query: DeploymentsQuery });
  const deployments = result.data?.deployments;
  const target = deployments?.find((d) => d.name === 'prod') ?? deployments?.[0];
  useEffect(() => {
    if (target) navigate(`/${encodeURIComponent(org)}/${encodeURIComponent(target.name)}/assets`, { replace: true });
  }, [target, org, navigate]);
  if (result.error) return <ErrorState error={result.error} retry={() => retry({ requestPolicy: 'network-only' })} />;
  if (!deployments || target) return <Loading what="deployments" />;
  return <Empty title="This organization has no deployment yet" />;
}
