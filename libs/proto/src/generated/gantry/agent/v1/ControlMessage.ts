// Original file: proto/gantry/agent/v1/messages.proto

import type { Welcome as _gantry_agent_v1_Welcome, Welcome__Output as _gantry_agent_v1_Welcome__Output } from '../../../gantry/agent/v1/Welcome';
import type { RunAssignment as _gantry_agent_v1_RunAssignment, RunAssignment__Output as _gantry_agent_v1_RunAssignment__Output } from '../../../gantry/agent/v1/RunAssignment';
import type { EventAckBatch as _gantry_agent_v1_EventAckBatch, EventAckBatch__Output as _gantry_agent_v1_EventAckBatch__Output } from '../../../gantry/agent/v1/EventAckBatch';
import type { CancelRun as _gantry_agent_v1_CancelRun, CancelRun__Output as _gantry_agent_v1_CancelRun__Output } from '../../../gantry/agent/v1/CancelRun';
import type { LeaseRevoked as _gantry_agent_v1_LeaseRevoked, LeaseRevoked__Output as _gantry_agent_v1_LeaseRevoked__Output } from '../../../gantry/agent/v1/LeaseRevoked';

/**
 * Messages from the control plane on the session stream.
 */
export interface ControlMessage {
  'welcome'?: (_gantry_agent_v1_Welcome | null);
  'assignment'?: (_gantry_agent_v1_RunAssignment | null);
  'acks'?: (_gantry_agent_v1_EventAckBatch | null);
  'cancel'?: (_gantry_agent_v1_CancelRun | null);
  'leaseRevoked'?: (_gantry_agent_v1_LeaseRevoked | null);
  'body'?: "welcome"|"assignment"|"acks"|"cancel"|"leaseRevoked";
}

/**
 * Messages from the control plane on the session stream.
 */
export interface ControlMessage__Output {
  'welcome'?: (_gantry_agent_v1_Welcome__Output | null);
  'assignment'?: (_gantry_agent_v1_RunAssignment__Output | null);
  'acks'?: (_gantry_agent_v1_EventAckBatch__Output | null);
  'cancel'?: (_gantry_agent_v1_CancelRun__Output | null);
  'leaseRevoked'?: (_gantry_agent_v1_LeaseRevoked__Output | null);
  'body'?: "welcome"|"assignment"|"acks"|"cancel"|"leaseRevoked";
}
