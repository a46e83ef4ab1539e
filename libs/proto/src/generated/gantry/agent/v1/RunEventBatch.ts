// Original file: proto/gantry/agent/v1/messages.proto

import type { RunEvent as _gantry_agent_v1_RunEvent, RunEvent__Output as _gantry_agent_v1_RunEvent__Output } from '../../../gantry/agent/v1/RunEvent';

export interface RunEventBatch {
  'events'?: (_gantry_agent_v1_RunEvent)[];
}

export interface RunEventBatch__Output {
  'events': (_gantry_agent_v1_RunEvent__Output)[];
}
