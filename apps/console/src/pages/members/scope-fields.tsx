import { useId } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';

const DeploymentsQuery = graphql(`
  query ScopeDeployments {
    deployments { id name }
  }
`);

const CodeLocationsQuery = graphql(`
  query ScopeCodeLocations($deployment: String!) {
    codeLocations(deployment: $deployment) { id name }
  }
`);

/** A scope as the form holds it: empty deployment = the organization, empty code location = the whole deployment. */
export interface ScopeValue {
  deployment: string;
  codeLocation: string;
}

export const ORGANIZATION_SCOPE: ScopeValue = { deployment: '', codeLocation: '' };

/** The GraphQL `ScopeInput` of a form scope (null for the organization). */
export function scopeInput(v: ScopeValue): { deployment: string; codeLocation?: string } | null {
  if (!v.deployment) return null;
  return v.codeLocation ? { deployment: v.deployment, codeLocation: v.codeLocation } : { deployment: v.deployment };
}

/**
 * Two labelled selects: the deployment (or the whole organization) and, once
 * a deployment is chosen, optionally one of its code locations.
 */
export function ScopeFields({ value, onChange }: { value: ScopeValue; onChange: (v: ScopeValue) => void }) {
  const id = useId();
  const [deployments] = useQuery({ query: DeploymentsQuery, requestPolicy: 'cache-first' });
  const [locations] = useQuery({ query: CodeLocationsQuery, variables: { deployment: value.deployment }, pause: !value.deployment });
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-deployment`}>Scope</label>
        <select id={`${id}-deployment`} value={value.deployment} onChange={(e) => onChange({ deployment: e.target.value, codeLocation: '' })}>
          <option value="">Whole organization</option>
          {deployments.data?.deployments.map((d) => (
            <option key={d.id} value={d.name}>Deployment {d.name}</option>
          ))}
        </select>
      </div>
      {value.deployment && (
        <div className="field">
          <label htmlFor={`${id}-location`}>Code location</label>
          <select id={`${id}-location`} value={value.codeLocation} onChange={(e) => onChange({ ...value, codeLocation: e.target.value })}>
            <option value="">All of {value.deployment}</option>
            {locations.data?.codeLocations.map((l) => (
              <option key={l.id} value={l.name}>{l.name}</option>
            ))}
          </select>
        </div>
      )}
    </>
  );
}
