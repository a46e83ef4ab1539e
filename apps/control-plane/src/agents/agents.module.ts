import { Module } from '@nestjs/common';
import { CodeLocationsRepository } from '../code-locations/code-locations.repository';
import { GraphLayoutModule } from '../catalog/graph-layout/graph-layout.module';
import { CodeLocationsService } from '../code-locations/code-locations.service';
import { CostIngestModule } from '../cost/cost-ingest.module';
import { DispatchRepository } from '../dispatch/dispatch.repository';
import { DispatchService } from '../dispatch/dispatch.service';
import { EventIngestService } from '../ingest/event-ingest.service';
import { RunEventsRepository } from '../ingest/run-events.repository';
import { LeaseReaper } from '../leases/lease-reaper';
import { LeaseService } from '../leases/lease.service';
import { LeasesRepository } from '../leases/leases.repository';
import { AgentAuthenticator } from './agent-auth';
import { AgentGrpcServer } from './agent-grpc.server';
import { AgentsRepository } from './agents.repository';
import { SessionRegistry } from './session-registry';

/**
 * The agent protocol slice: the gRPC AgentService (`agents/`), code location
 * reports (`code-locations/`, which warm the lineage graph layout of
 * `catalog/graph-layout/`), push dispatch (`dispatch/`), leases and their
 * reaper (`leases/`) and event ingest (`ingest/`). Started by
 * `startAgentGrpcServer`; stopped gracefully by `AgentGrpcServer` on `app.close()`.
 */
@Module({
  imports: [CostIngestModule, GraphLayoutModule],
  providers: [
    AgentsRepository,
    AgentAuthenticator,
    SessionRegistry,
    DispatchRepository,
    DispatchService,
    LeasesRepository,
    LeaseService,
    LeaseReaper,
    RunEventsRepository,
    EventIngestService,
    CodeLocationsRepository,
    CodeLocationsService,
    AgentGrpcServer,
  ],
  exports: [SessionRegistry],
})
export class AgentsModule {}
