// Original file: proto/gantry/agent/v1/service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentMessage as _gantry_agent_v1_AgentMessage, AgentMessage__Output as _gantry_agent_v1_AgentMessage__Output } from '../../../gantry/agent/v1/AgentMessage';
import type { ControlMessage as _gantry_agent_v1_ControlMessage, ControlMessage__Output as _gantry_agent_v1_ControlMessage__Output } from '../../../gantry/agent/v1/ControlMessage';
import type { ReportCodeLocationsRequest as _gantry_agent_v1_ReportCodeLocationsRequest, ReportCodeLocationsRequest__Output as _gantry_agent_v1_ReportCodeLocationsRequest__Output } from '../../../gantry/agent/v1/ReportCodeLocationsRequest';
import type { ReportCodeLocationsResponse as _gantry_agent_v1_ReportCodeLocationsResponse, ReportCodeLocationsResponse__Output as _gantry_agent_v1_ReportCodeLocationsResponse__Output } from '../../../gantry/agent/v1/ReportCodeLocationsResponse';

/**
 * The agent protocol. Agents dial out; every call carries
 * `authorization: Bearer <agent token>` metadata. A missing, unknown, expired or
 * revoked token fails every RPC with UNAUTHENTICATED and no further detail.
 */
export interface AgentServiceClient extends grpc.Client {
  /**
   * Reports the code locations the agent loaded. The control plane stores a new
   * version per location whose definition digest changed and rebuilds its asset
   * graph. Idempotent: the same definitions twice create no new version.
   * Errors: INVALID_ARGUMENT for a definition that does not parse or names a
   * deployment the token may not serve.
   */
  ReportCodeLocations(argument: _gantry_agent_v1_ReportCodeLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_agent_v1_ReportCodeLocationsResponse__Output>): grpc.ClientUnaryCall;
  ReportCodeLocations(argument: _gantry_agent_v1_ReportCodeLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_agent_v1_ReportCodeLocationsResponse__Output>): grpc.ClientUnaryCall;
  ReportCodeLocations(argument: _gantry_agent_v1_ReportCodeLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_agent_v1_ReportCodeLocationsResponse__Output>): grpc.ClientUnaryCall;
  ReportCodeLocations(argument: _gantry_agent_v1_ReportCodeLocationsRequest, callback: grpc.requestCallback<_gantry_agent_v1_ReportCodeLocationsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reports the code locations the agent loaded. The control plane stores a new
   * version per location whose definition digest changed and rebuilds its asset
   * graph. Idempotent: the same definitions twice create no new version.
   * Errors: INVALID_ARGUMENT for a definition that does not parse or names a
   * deployment the token may not serve.
   */
  reportCodeLocations(argument: _gantry_agent_v1_ReportCodeLocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_agent_v1_ReportCodeLocationsResponse__Output>): grpc.ClientUnaryCall;
  reportCodeLocations(argument: _gantry_agent_v1_ReportCodeLocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_agent_v1_ReportCodeLocationsResponse__Output>): grpc.ClientUnaryCall;
  reportCodeLocations(argument: _gantry_agent_v1_ReportCodeLocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_agent_v1_ReportCodeLocationsResponse__Output>): grpc.ClientUnaryCall;
  reportCodeLocations(argument: _gantry_agent_v1_ReportCodeLocationsRequest, callback: grpc.requestCallback<_gantry_agent_v1_ReportCodeLocationsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The work session. The agent sends Hello first, then slots, heartbeats and
   * event batches; the control plane answers Welcome, then pushes run
   * assignments (never more than the announced free slots), event acks, cancel
   * requests and lease revocations. Events are idempotent on (run_id, seq):
   * replaying after a reconnect stores nothing twice. Acks come after commit,
   * one per run per batch. Events of a run the agent does not hold are neither
   * stored nor acked and get one LeaseRevoked; events of a run already failed by
   * lease expiry are acked and dropped. Errors (retry with backoff unless noted):
   * INVALID_ARGUMENT when the first message is not Hello or names a deployment
   * the token may not serve (fatal, `gantry-error-code` trailer); UNAUTHENTICATED
   * when the token is revoked or expires mid-session (fatal); ABORTED when a newer
   * session with the same agent name replaced this one; UNAVAILABLE when the
   * control plane shuts down (reconnect and replay).
   */
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gantry_agent_v1_AgentMessage, _gantry_agent_v1_ControlMessage__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gantry_agent_v1_AgentMessage, _gantry_agent_v1_ControlMessage__Output>;
  /**
   * The work session. The agent sends Hello first, then slots, heartbeats and
   * event batches; the control plane answers Welcome, then pushes run
   * assignments (never more than the announced free slots), event acks, cancel
   * requests and lease revocations. Events are idempotent on (run_id, seq):
   * replaying after a reconnect stores nothing twice. Acks come after commit,
   * one per run per batch. Events of a run the agent does not hold are neither
   * stored nor acked and get one LeaseRevoked; events of a run already failed by
   * lease expiry are acked and dropped. Errors (retry with backoff unless noted):
   * INVALID_ARGUMENT when the first message is not Hello or names a deployment
   * the token may not serve (fatal, `gantry-error-code` trailer); UNAUTHENTICATED
   * when the token is revoked or expires mid-session (fatal); ABORTED when a newer
   * session with the same agent name replaced this one; UNAVAILABLE when the
   * control plane shuts down (reconnect and replay).
   */
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gantry_agent_v1_AgentMessage, _gantry_agent_v1_ControlMessage__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gantry_agent_v1_AgentMessage, _gantry_agent_v1_ControlMessage__Output>;
  
}

/**
 * The agent protocol. Agents dial out; every call carries
 * `authorization: Bearer <agent token>` metadata. A missing, unknown, expired or
 * revoked token fails every RPC with UNAUTHENTICATED and no further detail.
 */
export interface AgentServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Reports the code locations the agent loaded. The control plane stores a new
   * version per location whose definition digest changed and rebuilds its asset
   * graph. Idempotent: the same definitions twice create no new version.
   * Errors: INVALID_ARGUMENT for a definition that does not parse or names a
   * deployment the token may not serve.
   */
  ReportCodeLocations: grpc.handleUnaryCall<_gantry_agent_v1_ReportCodeLocationsRequest__Output, _gantry_agent_v1_ReportCodeLocationsResponse>;
  
  /**
   * The work session. The agent sends Hello first, then slots, heartbeats and
   * event batches; the control plane answers Welcome, then pushes run
   * assignments (never more than the announced free slots), event acks, cancel
   * requests and lease revocations. Events are idempotent on (run_id, seq):
   * replaying after a reconnect stores nothing twice. Acks come after commit,
   * one per run per batch. Events of a run the agent does not hold are neither
   * stored nor acked and get one LeaseRevoked; events of a run already failed by
   * lease expiry are acked and dropped. Errors (retry with backoff unless noted):
   * INVALID_ARGUMENT when the first message is not Hello or names a deployment
   * the token may not serve (fatal, `gantry-error-code` trailer); UNAUTHENTICATED
   * when the token is revoked or expires mid-session (fatal); ABORTED when a newer
   * session with the same agent name replaced this one; UNAVAILABLE when the
   * control plane shuts down (reconnect and replay).
   */
  Session: grpc.handleBidiStreamingCall<_gantry_agent_v1_AgentMessage__Output, _gantry_agent_v1_ControlMessage>;
  
}

export interface AgentServiceDefinition extends grpc.ServiceDefinition {
  ReportCodeLocations: MethodDefinition<_gantry_agent_v1_ReportCodeLocationsRequest, _gantry_agent_v1_ReportCodeLocationsResponse, _gantry_agent_v1_ReportCodeLocationsRequest__Output, _gantry_agent_v1_ReportCodeLocationsResponse__Output>
  Session: MethodDefinition<_gantry_agent_v1_AgentMessage, _gantry_agent_v1_ControlMessage, _gantry_agent_v1_AgentMessage__Output, _gantry_agent_v1_ControlMessage__Output>
}
