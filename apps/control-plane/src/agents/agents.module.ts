import { Module } from '@nestjs/common';

/** The agent protocol slice (gRPC AgentService, dispatch, leases, event ingest). */
@Module({})
export class AgentsModule {}
