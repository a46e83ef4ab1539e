import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';

/** Stable codes of the errors the agent protocol raises on purpose. */
export type AgentErrorCode =
  | 'AGENT_UNAUTHENTICATED'
  | 'HELLO_REQUIRED'
  | 'INVALID_AGENT_MESSAGE'
  | 'DEPLOYMENT_NOT_SERVABLE'
  | 'INVALID_CODE_LOCATION'
  | 'ASSET_DEFINED_ELSEWHERE'
  | 'SESSION_REPLACED'
  | 'CONTROL_PLANE_SHUTTING_DOWN';

/**
 * Base of every typed error of the agent protocol. `message` is safe to send
 * to the agent (it never holds secrets or another tenant's data); the gRPC
 * status code comes from {@link grpcStatusOf}, the one mapping of codes.
 */
export abstract class AgentProtocolError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: AgentErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Missing, malformed, unknown, expired or revoked agent token. The message is
 * always the same so a caller cannot tell which of these it was.
 */
export class AgentUnauthenticatedError extends AgentProtocolError {
  readonly code = 'AGENT_UNAUTHENTICATED';
  constructor() {
    super('invalid agent token');
  }
}

/** The first message of a Session was not Hello. */
export class HelloRequiredError extends AgentProtocolError {
  readonly code = 'HELLO_REQUIRED';
  constructor(got: string | undefined) {
    super(`the first message on a session must be Hello (got ${got ?? 'an empty message'})`);
  }
}

/** A message on the session is malformed (negative slots, Hello twice, empty agent name, …). */
export class InvalidAgentMessageError extends AgentProtocolError {
  readonly code = 'INVALID_AGENT_MESSAGE';
}

/** A deployment named by the agent does not exist in the token's organization, or the token may not serve it. */
export class DeploymentNotServableError extends AgentProtocolError {
  readonly code = 'DEPLOYMENT_NOT_SERVABLE';
  constructor(readonly deployments: readonly string[]) {
    super(
      deployments.length === 1
        ? `deployment ${JSON.stringify(deployments[0])} does not exist or this token may not serve it`
        : `deployments ${deployments.map((d) => JSON.stringify(d)).join(', ')} do not exist or this token may not serve them`,
    );
  }
}

/** A reported code location definition does not parse or is inconsistent; the message lists every problem. */
export class InvalidCodeLocationDefinitionError extends AgentProtocolError {
  readonly code = 'INVALID_CODE_LOCATION';
}

/** Two code locations of one deployment define the same asset key. */
export class AssetDefinedElsewhereError extends AgentProtocolError {
  readonly code = 'ASSET_DEFINED_ELSEWHERE';
  constructor(codeLocation: string, conflicts: ReadonlyArray<{ key: string; codeLocation: string }>) {
    super(
      `code location ${JSON.stringify(codeLocation)} defines assets already defined by another code location of its deployment: ` +
        conflicts.map((c) => `${c.key} (in ${c.codeLocation})`).join(', '),
    );
  }
}

/** A newer session of the same agent (same organization and name) took over on this replica. */
export class SessionReplacedError extends AgentProtocolError {
  readonly code = 'SESSION_REPLACED';
  constructor(agentName: string) {
    super(`replaced by a newer session of agent ${JSON.stringify(agentName)}`);
  }
}

/** The replica is stopping; the agent should reconnect (to another replica). */
export class ControlPlaneShuttingDownError extends AgentProtocolError {
  readonly code = 'CONTROL_PLANE_SHUTTING_DOWN';
  constructor() {
    super('control plane is shutting down; reconnect');
  }
}

/** The exhaustive mapping of agent error codes to gRPC status codes. */
export function grpcStatusOf(code: AgentErrorCode): grpc.status {
  switch (code) {
    case 'AGENT_UNAUTHENTICATED':
      return grpc.status.UNAUTHENTICATED;
    case 'HELLO_REQUIRED':
    case 'INVALID_AGENT_MESSAGE':
    case 'DEPLOYMENT_NOT_SERVABLE':
    case 'INVALID_CODE_LOCATION':
    case 'ASSET_DEFINED_ELSEWHERE':
      return grpc.status.INVALID_ARGUMENT;
    case 'SESSION_REPLACED':
      return grpc.status.ABORTED;
    case 'CONTROL_PLANE_SHUTTING_DOWN':
      return grpc.status.UNAVAILABLE;
    default: {
      const unhandled: never = code;
      throw new Error(`unmapped agent error code ${String(unhandled)}`);
    }
  }
}

/** A status object grpc-js sends as the call's final status (`callback(err)` or `call.emit('error', err)`). */
export interface GrpcStatusError {
  code: grpc.status;
  details: string;
  /** Same as `details`; grpc-js falls back to it. */
  message: string;
  metadata: grpc.Metadata;
}

/**
 * The one place where errors become gRPC statuses. Typed agent errors keep
 * their message; anything else (database, bugs) becomes
 * `INTERNAL "internal error, logId=<uuid>"` with the real error logged once
 * under that id. Typed errors carry their code in the `gantry-error-code`
 * trailer (except authentication failures).
 */
export function toGrpcStatus(error: unknown, log: Logger, context: Record<string, unknown> = {}): GrpcStatusError {
  if (error instanceof AgentProtocolError) {
    const metadata = new grpc.Metadata();
    // The code helps an agent tell INVALID_ARGUMENT cases apart; an
    // authentication failure says nothing beyond its fixed message.
    if (error.code !== 'AGENT_UNAUTHENTICATED') metadata.set('gantry-error-code', error.code);
    return { code: grpcStatusOf(error.code), details: error.message, message: error.message, metadata };
  }
  const logId = randomUUID();
  log.error({ err: error, logId, ...context }, 'internal error in the agent service');
  const details = `internal error, logId=${logId}`;
  return { code: grpc.status.INTERNAL, details, message: details, metadata: new grpc.Metadata() };
}
