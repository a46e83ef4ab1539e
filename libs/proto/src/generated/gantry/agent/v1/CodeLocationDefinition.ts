// Original file: proto/gantry/agent/v1/messages.proto


/**
 * One code location's definition as the agent loaded it from `gantry.yaml`.
 */
export interface CodeLocationDefinition {
  /**
   * Deployment name the location belongs to.
   */
  'deployment'?: (string);
  /**
   * Code location name, unique within the deployment.
   */
  'name'?: (string);
  /**
   * The parsed gantry.yaml as canonical JSON (see libs/code-location).
   */
  'definitionJson'?: (string);
}

/**
 * One code location's definition as the agent loaded it from `gantry.yaml`.
 */
export interface CodeLocationDefinition__Output {
  /**
   * Deployment name the location belongs to.
   */
  'deployment': (string);
  /**
   * Code location name, unique within the deployment.
   */
  'name': (string);
  /**
   * The parsed gantry.yaml as canonical JSON (see libs/code-location).
   */
  'definitionJson': (string);
}
