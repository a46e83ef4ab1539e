// Original file: proto/gantry/agent/v1/messages.proto


/**
 * Tells the agent it no longer holds the lease of a run (expired or taken);
 * the agent must stop it and drop its unsent events.
 */
export interface LeaseRevoked {
  'runId'?: (string);
  'reason'?: (string);
}

/**
 * Tells the agent it no longer holds the lease of a run (expired or taken);
 * the agent must stop it and drop its unsent events.
 */
export interface LeaseRevoked__Output {
  'runId': (string);
  'reason': (string);
}
