// Original file: proto/gantry/agent/v1/messages.proto

import type { EventAck as _gantry_agent_v1_EventAck, EventAck__Output as _gantry_agent_v1_EventAck__Output } from '../../../gantry/agent/v1/EventAck';

export interface EventAckBatch {
  'acks'?: (_gantry_agent_v1_EventAck)[];
}

export interface EventAckBatch__Output {
  'acks': (_gantry_agent_v1_EventAck__Output)[];
}
