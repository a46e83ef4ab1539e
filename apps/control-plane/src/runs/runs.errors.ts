import { DomainError } from '../api/errors/domain-error';

/** Codes of run errors. */
export type RunsErrorCode =
  | 'RUN_NOT_FOUND'
  | 'RUN_SPANS_CODE_LOCATIONS'
  | 'PARTITION_INVALID'
  | 'RUN_ALREADY_FINISHED'
  | 'CODE_LOCATION_NOT_READY';

/** No run with that id in the caller's organization (another tenant's run looks the same). */
export class RunNotFoundError extends DomainError<RunsErrorCode> {
  readonly code = 'RUN_NOT_FOUND';
  constructor(runId: string) {
    super(`run ${JSON.stringify(runId)} not found`, { runId });
  }
}

/** The selected assets belong to more than one code location; a run executes one code location's code. */
export class RunSpansCodeLocationsError extends DomainError<RunsErrorCode> {
  readonly code = 'RUN_SPANS_CODE_LOCATIONS';
  constructor(codeLocations: readonly string[]) {
    super(`the selected assets belong to ${codeLocations.length} code locations (${codeLocations.join(', ')}); launch one run per code location`, {
      codeLocations: [...codeLocations],
    });
  }
}

/** A partition key or range that is missing, malformed, out of range, or given for unpartitioned assets. */
export class PartitionInvalidError extends DomainError<RunsErrorCode> {
  readonly code = 'PARTITION_INVALID';
  constructor(reason: string) {
    super(`invalid partition: ${reason}`);
  }
}

/** Cancel of a run that already ended (SUCCESS, FAILURE or CANCELED). */
export class RunAlreadyFinishedError extends DomainError<RunsErrorCode> {
  readonly code = 'RUN_ALREADY_FINISHED';
  constructor(runId: string, status: string) {
    super(`run ${runId} already finished with status ${status}`, { runId, status });
  }
}

/** The code location of the selected assets has no reported version to run. */
export class CodeLocationNotReadyError extends DomainError<RunsErrorCode> {
  readonly code = 'CODE_LOCATION_NOT_READY';
  constructor(codeLocation: string) {
    super(`code location ${JSON.stringify(codeLocation)} has no loaded version yet; wait for an agent to report it`, { codeLocation });
  }
}
