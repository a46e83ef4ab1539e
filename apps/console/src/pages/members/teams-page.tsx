import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Page } from '../../components/page';
import { Empty, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { roleAtLeast, useScope, type RoleName } from '../../layout/scope';
import { ActionAlert } from './action-alert';
import { InlineConfirm } from '../../components/inline-confirm';
import { GrantForm } from './grant-form';
import { ROLE_LABEL, scopeLabel } from './roles';
import { Field } from './field';

const TeamsQuery = graphql(`
  query Teams {
    teams {
      id
      name
      members { id email name }
      grants { id role deployment codeLocation }
    }
    members { user { id email name } }
  }
`);

const CreateTeamMutation = graphql(`
  mutation CreateTeam($name: String!) {
    createTeam(name: $name) { id name }
  }
`);

const AddTeamMemberMutation = graphql(`
  mutation AddTeamMember($teamId: ID!, $userId: ID!) {
    addTeamMember(teamId: $teamId, userId: $userId)
  }
`);

const RemoveTeamMemberMutation = graphql(`
  mutation RemoveTeamMember($teamId: ID!, $userId: ID!) {
    removeTeamMember(teamId: $teamId, userId: $userId)
  }
`);

const RevokeTeamRoleMutation = graphql(`
  mutation RevokeTeamRole($grantId: ID!) {
    revokeRole(grantId: $grantId)
  }
`);

type TeamRow = { id: string; name: string; members: { id: string; email?: string | null; name?: string | null }[]; grants: { id: string; role: string; deployment?: string | null; codeLocation?: string | null }[] };
type MemberOption = { id: string; label: string };

/**
 * Teams with their members and role grants. Organization Admins create teams,
 * add and remove members (chosen from the organization's members), grant a
 * team a role and revoke its grants.
 */
export function TeamsPage() {
  const { organizationRole } = useScope();
  const isAdmin = roleAtLeast(organizationRole, 'ADMIN');
  const [result, reexecute] = useQuery({ query: TeamsQuery });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });

  return (
    <Page title="Teams">
      {isAdmin && <CreateTeamForm onCreated={refresh} />}
      <QueryState result={result} what="teams" retry={refresh}>
        {(data) => {
          const members: MemberOption[] = data.members.map((m) => ({ id: m.user.id, label: m.user.email ?? m.user.name ?? m.user.id }));
          return data.teams.length === 0 ? (
            <Empty title="No teams yet">
              <p>{isAdmin ? 'Create a team above, then add members and grant it a role.' : 'An Admin can create teams.'}</p>
            </Empty>
          ) : (
            <div className="team-list">
              {data.teams.map((t) => (
                <TeamCard key={t.id} team={t} members={members} isAdmin={isAdmin} onChanged={refresh} />
              ))}
            </div>
          );
        }}
      </QueryState>
    </Page>
  );
}

function CreateTeamForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [state, createTeam] = useMutation(CreateTeamMutation);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await createTeam({ name });
    if (!r.error) {
      setName('');
      onCreated();
    }
  };
  return (
    <section aria-labelledby="create-team-title">
      <h2 id="create-team-title">Create a team</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label="Team name">
          {(id) => (
            <input id={id} value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
          )}
        </Field>
        <button type="submit" className="primary" disabled={state.fetching || name.trim() === ''}>
          {state.fetching ? 'Creating…' : 'Create team'}
        </button>
      </form>
      <ActionAlert error={state.error} action="create the team" />
    </section>
  );
}

function TeamCard({ team, members, isAdmin, onChanged }: { team: TeamRow; members: MemberOption[]; isAdmin: boolean; onChanged: () => void }) {
  const { organizationRole } = useScope();
  const [adding, addTeamMember] = useMutation(AddTeamMemberMutation);
  const [removing, removeTeamMember] = useMutation(RemoveTeamMemberMutation);
  const [revoking, revokeRole] = useMutation(RevokeTeamRoleMutation);
  const [userId, setUserId] = useState('');
  const inTeam = new Set(team.members.map((m) => m.id));
  const candidates = members.filter((m) => !inTeam.has(m.id));
  const headingId = `team-${team.id}`;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await addTeamMember({ teamId: team.id, userId });
    if (!r.error) {
      setUserId('');
      onChanged();
    }
  };

  return (
    <article className="team" aria-labelledby={headingId} data-team={team.name}>
      <h2 id={headingId}>{team.name}</h2>
      <ActionAlert error={adding.error} action="add the member" />
      <ActionAlert error={removing.error} action="remove the member" />
      <ActionAlert error={revoking.error} action="revoke the grant" />
      <table className="data" aria-label={`Members of ${team.name}`}>
        <thead>
          <tr>
            <th scope="col">Member</th>
            {isAdmin && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {team.members.length === 0 && (
            <tr>
              <td colSpan={isAdmin ? 2 : 1} className="muted">No members yet.</td>
            </tr>
          )}
          {team.members.map((m) => {
            const who = m.email ?? m.name ?? m.id;
            return (
              <tr key={m.id}>
                <td>{who}</td>
                {isAdmin && (
                  <td>
                    <button
                      type="button"
                      className="danger"
                      disabled={removing.fetching}
                      onClick={async () => {
                        const r = await removeTeamMember({ teamId: team.id, userId: m.id });
                        if (!r.error) onChanged();
                      }}
                    >
                      Remove<span className="visually-hidden"> {who} from {team.name}</span>
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Roles</h3>
      {team.grants.length === 0 ? (
        <p className="muted">This team holds no roles.</p>
      ) : (
        <ul className="grant-list">
          {team.grants.map((g) => (
            <li key={g.id}>
              <span className="role-badge">{ROLE_LABEL[g.role as RoleName]}</span> <span>{scopeLabel(g)}</span>
              {isAdmin && (g.role !== 'OWNER' || organizationRole === 'OWNER') && (
                <>
                  {' '}
                  <InlineConfirm
                    label={<>Revoke<span className="visually-hidden"> {ROLE_LABEL[g.role as RoleName]} at {scopeLabel(g)} from {team.name}</span></>}
                    question={`Revoke ${ROLE_LABEL[g.role as RoleName]} at ${scopeLabel(g)} from team ${team.name}?`}
                    confirmLabel="Yes, revoke"
                    disabled={revoking.fetching}
                    onConfirm={async () => {
                      const r = await revokeRole({ grantId: g.id });
                      if (!r.error) onChanged();
                    }}
                  />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {isAdmin && (
        <>
          {candidates.length === 0 ? (
            <p className="muted">Every member of the organization is in this team.</p>
          ) : (
            <form className="form" onSubmit={(e) => void add(e)} aria-label={`Add a member to ${team.name}`}>
              <Field label="Add member">
                {(id) => (
                  <select id={id} value={userId} onChange={(e) => setUserId(e.target.value)} required>
                    <option value="">Choose…</option>
                    {candidates.map((m) => (
                      <option key={m.id} value={m.id}>{m.label}</option>
                    ))}
                  </select>
                )}
              </Field>
              <button type="submit" disabled={adding.fetching || !userId}>Add to team</button>
            </form>
          )}
          <GrantForm principals={[{ id: team.id, label: team.name }]} principalKind="TEAM" principalLabel="Team" fixedPrincipalId={team.id} onGranted={onChanged} />
        </>
      )}
    </article>
  );
}
