// Original file: proto/gantry/agent/v1/messages.proto


/**
 * Announces the current number of free slots (absolute, not a delta).
 */
export interface SlotsAvailable {
  'freeSlots'?: (number);
}

/**
 * Announces the current number of free slots (absolute, not a delta).
 */
export interface SlotsAvailable__Output {
  'freeSlots': (number);
}
