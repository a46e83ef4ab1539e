// Original file: proto/gantry/agent/v1/messages.proto


/**
 * Describes the agent process. Sent in `Hello` on every (re)connect.
 */
export interface AgentInfo {
  /**
   * Stable name of the agent inside its organization (for example the pod name's prefix).
   */
  'name'?: (string);
  /**
   * Agent software version (semver).
   */
  'version'?: (string);
  /**
   * Launcher kind: "process", "kubernetes" or "ecs".
   */
  'launcher'?: (string);
  /**
   * Deployments (by name) this agent serves; empty means every deployment its token allows.
   */
  'deployments'?: (string)[];
  /**
   * Queues this agent serves; empty means ["default"] (agents older than queues).
   */
  'queues'?: (string)[];
}

/**
 * Describes the agent process. Sent in `Hello` on every (re)connect.
 */
export interface AgentInfo__Output {
  /**
   * Stable name of the agent inside its organization (for example the pod name's prefix).
   */
  'name': (string);
  /**
   * Agent software version (semver).
   */
  'version': (string);
  /**
   * Launcher kind: "process", "kubernetes" or "ecs".
   */
  'launcher': (string);
  /**
   * Deployments (by name) this agent serves; empty means every deployment its token allows.
   */
  'deployments': (string)[];
  /**
   * Queues this agent serves; empty means ["default"] (agents older than queues).
   */
  'queues': (string)[];
}
