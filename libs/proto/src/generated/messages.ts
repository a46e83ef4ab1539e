import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentInfo as _gantry_agent_v1_AgentInfo, AgentInfo__Output as _gantry_agent_v1_AgentInfo__Output } from './gantry/agent/v1/AgentInfo';
import type { AgentMessage as _gantry_agent_v1_AgentMessage, AgentMessage__Output as _gantry_agent_v1_AgentMessage__Output } from './gantry/agent/v1/AgentMessage';
import type { CancelRun as _gantry_agent_v1_CancelRun, CancelRun__Output as _gantry_agent_v1_CancelRun__Output } from './gantry/agent/v1/CancelRun';
import type { CodeLocationDefinition as _gantry_agent_v1_CodeLocationDefinition, CodeLocationDefinition__Output as _gantry_agent_v1_CodeLocationDefinition__Output } from './gantry/agent/v1/CodeLocationDefinition';
import type { ControlMessage as _gantry_agent_v1_ControlMessage, ControlMessage__Output as _gantry_agent_v1_ControlMessage__Output } from './gantry/agent/v1/ControlMessage';
import type { EventAck as _gantry_agent_v1_EventAck, EventAck__Output as _gantry_agent_v1_EventAck__Output } from './gantry/agent/v1/EventAck';
import type { EventAckBatch as _gantry_agent_v1_EventAckBatch, EventAckBatch__Output as _gantry_agent_v1_EventAckBatch__Output } from './gantry/agent/v1/EventAckBatch';
import type { Heartbeat as _gantry_agent_v1_Heartbeat, Heartbeat__Output as _gantry_agent_v1_Heartbeat__Output } from './gantry/agent/v1/Heartbeat';
import type { Hello as _gantry_agent_v1_Hello, Hello__Output as _gantry_agent_v1_Hello__Output } from './gantry/agent/v1/Hello';
import type { LeaseRevoked as _gantry_agent_v1_LeaseRevoked, LeaseRevoked__Output as _gantry_agent_v1_LeaseRevoked__Output } from './gantry/agent/v1/LeaseRevoked';
import type { ReportCodeLocationsRequest as _gantry_agent_v1_ReportCodeLocationsRequest, ReportCodeLocationsRequest__Output as _gantry_agent_v1_ReportCodeLocationsRequest__Output } from './gantry/agent/v1/ReportCodeLocationsRequest';
import type { ReportCodeLocationsResponse as _gantry_agent_v1_ReportCodeLocationsResponse, ReportCodeLocationsResponse__Output as _gantry_agent_v1_ReportCodeLocationsResponse__Output } from './gantry/agent/v1/ReportCodeLocationsResponse';
import type { RunAssignment as _gantry_agent_v1_RunAssignment, RunAssignment__Output as _gantry_agent_v1_RunAssignment__Output } from './gantry/agent/v1/RunAssignment';
import type { RunEvent as _gantry_agent_v1_RunEvent, RunEvent__Output as _gantry_agent_v1_RunEvent__Output } from './gantry/agent/v1/RunEvent';
import type { RunEventBatch as _gantry_agent_v1_RunEventBatch, RunEventBatch__Output as _gantry_agent_v1_RunEventBatch__Output } from './gantry/agent/v1/RunEventBatch';
import type { SlotsAvailable as _gantry_agent_v1_SlotsAvailable, SlotsAvailable__Output as _gantry_agent_v1_SlotsAvailable__Output } from './gantry/agent/v1/SlotsAvailable';
import type { Welcome as _gantry_agent_v1_Welcome, Welcome__Output as _gantry_agent_v1_Welcome__Output } from './gantry/agent/v1/Welcome';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gantry: {
    agent: {
      v1: {
        AgentInfo: MessageTypeDefinition<_gantry_agent_v1_AgentInfo, _gantry_agent_v1_AgentInfo__Output>
        AgentMessage: MessageTypeDefinition<_gantry_agent_v1_AgentMessage, _gantry_agent_v1_AgentMessage__Output>
        CancelRun: MessageTypeDefinition<_gantry_agent_v1_CancelRun, _gantry_agent_v1_CancelRun__Output>
        CodeLocationDefinition: MessageTypeDefinition<_gantry_agent_v1_CodeLocationDefinition, _gantry_agent_v1_CodeLocationDefinition__Output>
        ControlMessage: MessageTypeDefinition<_gantry_agent_v1_ControlMessage, _gantry_agent_v1_ControlMessage__Output>
        EventAck: MessageTypeDefinition<_gantry_agent_v1_EventAck, _gantry_agent_v1_EventAck__Output>
        EventAckBatch: MessageTypeDefinition<_gantry_agent_v1_EventAckBatch, _gantry_agent_v1_EventAckBatch__Output>
        Heartbeat: MessageTypeDefinition<_gantry_agent_v1_Heartbeat, _gantry_agent_v1_Heartbeat__Output>
        Hello: MessageTypeDefinition<_gantry_agent_v1_Hello, _gantry_agent_v1_Hello__Output>
        LeaseRevoked: MessageTypeDefinition<_gantry_agent_v1_LeaseRevoked, _gantry_agent_v1_LeaseRevoked__Output>
        ReportCodeLocationsRequest: MessageTypeDefinition<_gantry_agent_v1_ReportCodeLocationsRequest, _gantry_agent_v1_ReportCodeLocationsRequest__Output>
        ReportCodeLocationsResponse: MessageTypeDefinition<_gantry_agent_v1_ReportCodeLocationsResponse, _gantry_agent_v1_ReportCodeLocationsResponse__Output>
        RunAssignment: MessageTypeDefinition<_gantry_agent_v1_RunAssignment, _gantry_agent_v1_RunAssignment__Output>
        RunEvent: MessageTypeDefinition<_gantry_agent_v1_RunEvent, _gantry_agent_v1_RunEvent__Output>
        RunEventBatch: MessageTypeDefinition<_gantry_agent_v1_RunEventBatch, _gantry_agent_v1_RunEventBatch__Output>
        SlotsAvailable: MessageTypeDefinition<_gantry_agent_v1_SlotsAvailable, _gantry_agent_v1_SlotsAvailable__Output>
        Welcome: MessageTypeDefinition<_gantry_agent_v1_Welcome, _gantry_agent_v1_Welcome__Output>
      }
    }
  }
}

