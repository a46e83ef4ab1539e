import type { OperationPermission } from './permissions';
import { ROLES } from './roles';

/** Path of the generated page, relative to the repository root. */
export const RBAC_DOC_PATH = 'docs/rbac.md';

const KINDS: Record<string, string> = { Query: 'query', Mutation: 'mutation', Subscription: 'subscription', AgentService: 'agent RPC' };

const ROLE_TEXT: Record<(typeof ROLES)[number], string> = {
  VIEWER: 'reads the catalog, runs, their events and the agents',
  LAUNCHER: 'also launches and cancels runs',
  EDITOR: 'meant to also change code locations and budgets; no operation needs more than Launcher below Admin yet',
  ADMIN: 'also manages members, teams, invitations, grants, API and agent tokens, and reads the audit log',
  OWNER: 'also manages owners and the organization settings',
};

const SCOPE_TEXT: [scope: string, text: string][] = [
  ['public', 'anyone, signed in or not; the role is ignored.'],
  ['user', 'a signed-in person (OIDC access token) acting for themself, in no organization; API tokens are refused; the role is ignored.'],
  ['organization', 'the whole organization: only a grant at organization scope counts.'],
  ['member', 'any grant in the organization counts, at any scope (reads no member must be kept from).'],
  ['deployment', 'the deployment named by the `deployment` argument (or `input.deployment`, default `prod`): organization grants and grants on that deployment count.'],
  ['deployment or code location', 'as `deployment`, and a grant on one code location of that deployment passes the gate too; the service then checks the exact code location (a launch\'s assets decide it).'],
  ['run', 'the run named by `id` or `runId`: grants on its organization, its deployment or its code location count.'],
  ['agent', 'agent tokens only, within the deployments the token serves; users and API tokens are refused whatever their role.'],
];

function scopeLabel(p: OperationPermission): string {
  return p.scope === 'deployment' && p.refinedToCodeLocation ? 'deployment or code location' : p.scope;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * The Markdown of `docs/rbac.md`: how roles and scopes work, then one table
 * row per operation of `permissions` (operation, kind, least role, scope,
 * summary) in the table's own order. The least role is "—" where the scope
 * ignores it (`public`, `user`, `agent`). Deterministic: the drift test
 * compares it byte for byte with the committed file.
 */
export function renderPermissionsDoc(permissions: Readonly<Record<string, OperationPermission>>): string {
  const lines = [
    '# Roles and permissions',
    '',
    '<!-- Generated from apps/control-plane/src/rbac/permissions.ts by `UPDATE_DOCS=1 npm test -- rbac-docs`; do not edit by hand. -->',
    '',
    'Every GraphQL root field and every agent RPC has exactly one entry in the permission table',
    '(`apps/control-plane/src/rbac/permissions.ts`). The auth guard refuses an operation without an entry,',
    'and a test checks that the table and the schema (`apps/control-plane/schema.graphql`,',
    '`proto/gantry/agent/v1/service.proto`) name the same operations.',
    '',
    '## Roles',
    '',
    'A role is granted to a user, a team or an API token, at the scope of the whole organization, one',
    'deployment, or one code location. Roles are ordered; each can do everything the ones before it can:',
    '',
    ...ROLES.map((role, i) => `${i + 1}. **${role[0]}${role.slice(1).toLowerCase()}** (\`${role}\`): ${ROLE_TEXT[role]}.`),
    '',
    'A grant on a deployment covers that deployment and its code locations; a grant on a code location covers',
    'only that code location. Users belong to an organization as members and name it on each request',
    '(`X-Gantry-Organization: <slug>` or `/orgs/<slug>/graphql`); an API token acts in its own organization',
    'with its own role, never higher than its creator\'s at its scope.',
    '',
    '## Scopes of an operation',
    '',
    'The scope says which grants can satisfy an operation\'s least role:',
    '',
    ...SCOPE_TEXT.map(([scope, text]) => `- \`${scope}\`: ${text}`),
    '',
    '## Operations',
    '',
    '| operation | kind | least role | scope | summary |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(permissions).map(([name, p]) => {
      const [kind = '', field = name] = name.split('.');
      const role = p.scope === 'public' || p.scope === 'user' || p.scope === 'agent' ? '—' : p.role;
      return `| \`${field}\` | ${KINDS[kind] ?? kind} | ${role} | ${scopeLabel(p)} | ${cell(p.summary)} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
