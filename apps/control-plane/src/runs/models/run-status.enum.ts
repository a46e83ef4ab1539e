import { registerEnumType } from '@nestjs/graphql';
import { RUN_STATUSES, type RunStatus } from '@gantry/domain';

/** The GraphQL `RunStatus` enum, built from the domain's list so the two never drift. */
export const RunStatusEnum = Object.fromEntries(RUN_STATUSES.map((s) => [s, s])) as { readonly [K in RunStatus]: K };

registerEnumType(RunStatusEnum, {
  name: 'RunStatus',
  description: 'QUEUED → STARTING → STARTED → SUCCESS | FAILURE | CANCELED; CANCELING while an agent stops a run.',
});
