// Original file: proto/gantry/agent/v1/messages.proto

import type { Hello as _gantry_agent_v1_Hello, Hello__Output as _gantry_agent_v1_Hello__Output } from '../../../gantry/agent/v1/Hello';
import type { SlotsAvailable as _gantry_agent_v1_SlotsAvailable, SlotsAvailable__Output as _gantry_agent_v1_SlotsAvailable__Output } from '../../../gantry/agent/v1/SlotsAvailable';
import type { Heartbeat as _gantry_agent_v1_Heartbeat, Heartbeat__Output as _gantry_agent_v1_Heartbeat__Output } from '../../../gantry/agent/v1/Heartbeat';
import type { RunEventBatch as _gantry_agent_v1_RunEventBatch, RunEventBatch__Output as _gantry_agent_v1_RunEventBatch__Output } from '../../../gantry/agent/v1/RunEventBatch';

/**
 * Messages from the agent on the session stream.
 */
export interface AgentMessage {
  'hello'?: (_gantry_agent_v1_Hello | null);
  'slots'?: (_gantry_agent_v1_SlotsAvailable | null);
  'heartbeat'?: (_gantry_agent_v1_Heartbeat | null);
  'events'?: (_gantry_agent_v1_RunEventBatch | null);
  'body'?: "hello"|"slots"|"heartbeat"|"events";
}

/**
 * Messages from the agent on the session stream.
 */
export interface AgentMessage__Output {
  'hello'?: (_gantry_agent_v1_Hello__Output | null);
  'slots'?: (_gantry_agent_v1_SlotsAvailable__Output | null);
  'heartbeat'?: (_gantry_agent_v1_Heartbeat__Output | null);
  'events'?: (_gantry_agent_v1_RunEventBatch__Output | null);
  'body'?: "hello"|"slots"|"heartbeat"|"events";
}
