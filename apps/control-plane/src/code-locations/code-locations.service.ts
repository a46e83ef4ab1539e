import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ReportCodeLocationsRequest__Output, ReportCodeLocationsResponse } from '@gantry/proto';
import { LOGGER } from '../logging/logger';
import type { AgentPrincipal } from '../agents/agent-auth';
import { GraphLayoutService } from '../catalog/graph-layout/graph-layout.service';
import { CodeLocationsRepository } from './code-locations.repository';
import { parseReportedLocations } from './reported-code-location';

/**
 * ReportCodeLocations: validates every reported definition first (nothing is
 * stored when one is invalid), then stores all of them in one transaction.
 * Errors: InvalidCodeLocationDefinitionError, DeploymentNotServableError,
 * AssetDefinedElsewhereError (all INVALID_ARGUMENT). When a deployment's
 * catalog changed, its lineage graph layout is computed in the background
 * (GraphLayoutService.warm: errors logged, never failing the report).
 */
@Injectable()
export class CodeLocationsService {
  private readonly log: Logger;

  constructor(
    @Inject(CodeLocationsRepository) private readonly repo: CodeLocationsRepository,
    @Inject(LOGGER) logger: Logger,
    @Inject(GraphLayoutService) private readonly graphLayouts: GraphLayoutService,
  ) {
    this.log = logger.child({ module: 'code-locations' });
  }

  async report(principal: AgentPrincipal, request: ReportCodeLocationsRequest__Output): Promise<ReportCodeLocationsResponse> {
    const locations = parseReportedLocations(request.locations);
    const results = await this.repo.store(principal, locations);
    for (const r of results.filter((x) => x.changed)) {
      this.log.info({ orgId: principal.orgId, deployment: r.deployment, codeLocation: r.name, version: r.version }, 'code location version is now current');
    }
    for (const deployment of new Set(results.filter((x) => x.changed).map((x) => x.deployment))) this.graphLayouts.warm(principal.orgId, deployment);
    return { results };
  }
}
