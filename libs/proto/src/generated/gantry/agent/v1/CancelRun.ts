// Original file: proto/gantry/agent/v1/messages.proto


/**
 * Asks the agent to stop a run.
 */
export interface CancelRun {
  'runId'?: (string);
}

/**
 * Asks the agent to stop a run.
 */
export interface CancelRun__Output {
  'runId': (string);
}
