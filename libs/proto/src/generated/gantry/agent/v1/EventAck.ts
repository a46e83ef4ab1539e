// Original file: proto/gantry/agent/v1/messages.proto


/**
 * Acknowledges that every event of `run_id` with seq <= `up_to_seq` is stored.
 */
export interface EventAck {
  'runId'?: (string);
  'upToSeq'?: (number);
}

/**
 * Acknowledges that every event of `run_id` with seq <= `up_to_seq` is stored.
 */
export interface EventAck__Output {
  'runId': (string);
  'upToSeq': (number);
}
