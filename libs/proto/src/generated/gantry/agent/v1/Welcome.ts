// Original file: proto/gantry/agent/v1/messages.proto


/**
 * Sent once after a valid Hello.
 */
export interface Welcome {
  'agentId'?: (string);
  'organizationId'?: (string);
  /**
   * Lease duration in milliseconds; heartbeats should come at least three times per lease.
   */
  'leaseTtlMs'?: (number);
  /**
   * Suggested heartbeat interval in milliseconds.
   */
  'heartbeatIntervalMs'?: (number);
}

/**
 * Sent once after a valid Hello.
 */
export interface Welcome__Output {
  'agentId': (string);
  'organizationId': (string);
  /**
   * Lease duration in milliseconds; heartbeats should come at least three times per lease.
   */
  'leaseTtlMs': (number);
  /**
   * Suggested heartbeat interval in milliseconds.
   */
  'heartbeatIntervalMs': (number);
}
