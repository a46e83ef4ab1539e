import type { INestApplication } from '@nestjs/common';
import { AgentsModule } from './agents/agents.module';
import { startAgentGrpcServer } from './agents/agent-grpc.server';
import { ApiModule } from './api/api.module';
import { AuditModule } from './audit/audit.module';

/**
 * Feature modules wired into the app: the audit log (global AuditLog), the
 * agent protocol (gRPC) and the public API (GraphQL). Kept apart from app.module.ts so each slice owns its wiring.
 */
export const featureModules = [AuditModule, AgentsModule, ApiModule];

/** Starts the gRPC AgentService; returns the bound port. */
export function startGrpc(app: INestApplication): Promise<number> {
  return startAgentGrpcServer(app);
}
