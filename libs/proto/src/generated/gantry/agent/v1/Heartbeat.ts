// Original file: proto/gantry/agent/v1/messages.proto


/**
 * Keeps the leases of the listed runs alive.
 */
export interface Heartbeat {
  'runIds'?: (string)[];
}

/**
 * Keeps the leases of the listed runs alive.
 */
export interface Heartbeat__Output {
  'runIds': (string)[];
}
