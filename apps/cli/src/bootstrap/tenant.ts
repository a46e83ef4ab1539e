import { mintToken } from '@gantry/domain';
import type { PrismaClient } from '@gantry/db';

/** What {@link ensureTenant} created or found; token values are shown once. */
export interface TenantBootstrap {
  orgId: string;
  orgSlug: string;
  deploymentId: string;
}

/**
 * Finds or creates an organization by slug with its `prod` deployment.
 * Idempotent. Used by `gantry up` (the local development tenant) and
 * `gantry orgs create`.
 */
export async function ensureTenant(prisma: PrismaClient, slug: string, name = slug): Promise<TenantBootstrap> {
  const org = await prisma.organization.upsert({ where: { slug }, update: {}, create: { slug, name } });
  const deployment = await prisma.deployment.upsert({
    where: { orgId_name: { orgId: org.id, name: 'prod' } },
    update: {},
    create: { orgId: org.id, name: 'prod' },
  });
  return { orgId: org.id, orgSlug: org.slug, deploymentId: deployment.id };
}

/** Creates an API token for scripts; returns its value (shown once; only the hash is stored). */
export async function createApiToken(prisma: PrismaClient, orgId: string, name: string, expiresAt?: Date): Promise<string> {
  const t = mintToken('api');
  await prisma.apiToken.create({ data: { orgId, name, tokenHash: t.hash, prefix: t.prefix, ...(expiresAt && { expiresAt }) } });
  return t.value;
}

/** Creates an agent token scoped to some deployments (empty: all of the org's); returns its value once. */
export async function createAgentToken(prisma: PrismaClient, orgId: string, name: string, deploymentIds: string[] = []): Promise<string> {
  const t = mintToken('agent');
  await prisma.agentToken.create({ data: { orgId, name, tokenHash: t.hash, prefix: t.prefix, deploymentIds } });
  return t.value;
}

/**
 * Invites `email` as Owner of the organization unless an open or accepted
 * invitation for it exists: on the embedded defaults, the person signing in
 * through the development issuer with that email owns the `local`
 * organization. Idempotent.
 */
export async function ensureOwnerInvitation(prisma: PrismaClient, orgId: string, email: string): Promise<void> {
  const address = email.toLowerCase();
  const existing = await prisma.invitation.findFirst({ where: { orgId, email: address, revokedAt: null, OR: [{ acceptedAt: { not: null } }, { expiresAt: { gt: new Date() } }] } });
  if (existing) return;
  await prisma.invitation.create({ data: { orgId, email: address, role: 'OWNER', invitedBy: 'gantry up', expiresAt: new Date(Date.now() + 365 * 24 * 3600 * 1000) } });
}
