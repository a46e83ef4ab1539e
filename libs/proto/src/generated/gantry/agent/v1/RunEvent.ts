// Original file: proto/gantry/agent/v1/messages.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One event of a run, numbered by the agent (1, 2, 3, ... per run).
 */
export interface RunEvent {
  'runId'?: (string);
  'seq'?: (number);
  /**
   * Event type, see libs/domain RunEventType (for example "LOG", "ASSET_MATERIALIZATION").
   */
  'type'?: (string);
  /**
   * Milliseconds since the Unix epoch at the source.
   */
  'timestampMs'?: (number | string | Long);
  'level'?: (string);
  'message'?: (string);
  'assetKey'?: (string);
  /**
   * Type-specific fields as JSON.
   */
  'payloadJson'?: (string);
}

/**
 * One event of a run, numbered by the agent (1, 2, 3, ... per run).
 */
export interface RunEvent__Output {
  'runId': (string);
  'seq': (number);
  /**
   * Event type, see libs/domain RunEventType (for example "LOG", "ASSET_MATERIALIZATION").
   */
  'type': (string);
  /**
   * Milliseconds since the Unix epoch at the source.
   */
  'timestampMs': (number);
  'level': (string);
  'message': (string);
  'assetKey': (string);
  /**
   * Type-specific fields as JSON.
   */
  'payloadJson': (string);
}
