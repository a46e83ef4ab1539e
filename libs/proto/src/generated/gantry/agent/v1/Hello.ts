// Original file: proto/gantry/agent/v1/messages.proto

import type { AgentInfo as _gantry_agent_v1_AgentInfo, AgentInfo__Output as _gantry_agent_v1_AgentInfo__Output } from '../../../gantry/agent/v1/AgentInfo';

/**
 * First message on a session.
 */
export interface Hello {
  'agent'?: (_gantry_agent_v1_AgentInfo | null);
  /**
   * Number of runs the agent can start right now.
   */
  'freeSlots'?: (number);
  /**
   * Runs the agent is still executing from before a reconnect; their leases are kept.
   */
  'runningRunIds'?: (string)[];
}

/**
 * First message on a session.
 */
export interface Hello__Output {
  'agent': (_gantry_agent_v1_AgentInfo__Output | null);
  /**
   * Number of runs the agent can start right now.
   */
  'freeSlots': (number);
  /**
   * Runs the agent is still executing from before a reconnect; their leases are kept.
   */
  'runningRunIds': (string)[];
}
