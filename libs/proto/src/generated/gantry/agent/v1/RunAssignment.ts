// Original file: proto/gantry/agent/v1/messages.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A run handed to this agent under a lease.
 */
export interface RunAssignment {
  'runId'?: (string);
  'deployment'?: (string);
  'codeLocation'?: (string);
  'codeLocationVersion'?: (number);
  'assetKeys'?: (string)[];
  'partitionKey'?: (string);
  'partitionRangeStart'?: (string);
  'partitionRangeEnd'?: (string);
  /**
   * W3C traceparent of the launch; the agent continues this trace.
   */
  'traceparent'?: (string);
  'leaseExpiresAtMs'?: (number | string | Long);
  /**
   * Run tags as JSON object.
   */
  'tagsJson'?: (string);
  /**
   * Highest event seq the control plane already stored for this run (0 for a fresh run).
   */
  'storedSeq'?: (number);
}

/**
 * A run handed to this agent under a lease.
 */
export interface RunAssignment__Output {
  'runId': (string);
  'deployment': (string);
  'codeLocation': (string);
  'codeLocationVersion': (number);
  'assetKeys': (string)[];
  'partitionKey': (string);
  'partitionRangeStart': (string);
  'partitionRangeEnd': (string);
  /**
   * W3C traceparent of the launch; the agent continues this trace.
   */
  'traceparent': (string);
  'leaseExpiresAtMs': (number);
  /**
   * Run tags as JSON object.
   */
  'tagsJson': (string);
  /**
   * Highest event seq the control plane already stored for this run (0 for a fresh run).
   */
  'storedSeq': (number);
}
