/**
 * Install commands for a new agent token, with the value names of
 * deploy/helm/gantry-agent/values.yaml (controlPlane.grpcAddress,
 * controlPlane.tls, agentToken.existingSecret, agent.*) and the parameters of
 * deploy/ecs/agent-service.yaml. Pure functions, so they can be checked
 * against a real `helm template`.
 */

/** Release, namespace and Secret names the commands use. */
export const HELM_RELEASE = 'gantry-agent';
export const HELM_NAMESPACE = 'gantry-agent';
export const TOKEN_SECRET = 'gantry-agent-token';

/** What the commands are filled with. */
export interface InstallInput {
  /** The agent token's secret, shown once. */
  token: string;
  /** host:port of the control plane's gRPC AgentService (serverInfo.agentEndpoint). */
  endpoint: string;
  /** Name the agent reports (agent.name); empty leaves the chart's default (the release name). */
  agentName: string;
  /** Deployments the agent serves; empty means every deployment the token allows. */
  deployments: readonly string[];
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Escapes a scalar for helm's --set syntax (commas separate values, backslash escapes). */
function helmScalar(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
}

/** Host without brackets, for a loopback check. */
function endpointHost(endpoint: string): string {
  const host = endpoint.replace(/:\d+$/, '');
  return host.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Whether agents should dial with TLS: yes except for a loopback address (the
 * chart's default is TLS; plaintext is for loopback or an in-cluster service).
 */
export function endpointUsesTls(endpoint: string): boolean {
  const host = endpointHost(endpoint);
  return !(host === 'localhost' || host === '::1' || /^127\./.test(host));
}

/** The `--set` arguments of the helm install, in order. */
export function helmSetValues(input: InstallInput): string[] {
  const values = [
    `controlPlane.grpcAddress=${helmScalar(input.endpoint)}`,
    `controlPlane.tls=${endpointUsesTls(input.endpoint)}`,
    `agentToken.existingSecret.name=${TOKEN_SECRET}`,
    'agentToken.existingSecret.key=token',
  ];
  if (input.agentName) values.push(`agent.name=${helmScalar(input.agentName)}`);
  if (input.deployments.length > 0) values.push(`agent.deployments={${input.deployments.map(helmScalar).join(',')}}`);
  return values;
}

/** Joins command words into one shell command over several lines. */
function command(words: string[][]): string {
  return words.map((line) => line.map(shellQuote).join(' ')).join(' \\\n  ');
}

/**
 * `kubectl create namespace`, `kubectl create secret generic` with the token,
 * and `helm install` of the chart from a checkout of the repository, one
 * command per paragraph.
 */
export function helmInstallCommands(input: InstallInput): string {
  return [
    command([['kubectl', 'create', 'namespace', HELM_NAMESPACE]]),
    command([['kubectl', 'create', 'secret', 'generic', TOKEN_SECRET, '--namespace', HELM_NAMESPACE], [`--from-literal=token=${input.token}`]]),
    command([
      ['helm', 'install', HELM_RELEASE, 'deploy/helm/gantry-agent', '--namespace', HELM_NAMESPACE],
      ...helmSetValues(input).map((v) => ['--set', v]),
    ]),
  ].join('\n\n');
}

/** After a rotation: replace the Secret's token and restart the agent so it dials with the new one. */
export function rotateCommands(token: string): string {
  return [
    `${command([['kubectl', 'create', 'secret', 'generic', TOKEN_SECRET, '--namespace', HELM_NAMESPACE], [`--from-literal=token=${token}`], ['--dry-run=client', '-o', 'yaml']])} \\\n  | kubectl apply -f -`,
    command([['kubectl', 'rollout', 'restart', `deployment/${HELM_RELEASE}`, '--namespace', HELM_NAMESPACE]]),
  ].join('\n\n');
}

/** ControlPlaneHost and ControlPlanePort of deploy/ecs/agent-service.yaml for an endpoint. */
export function ecsParameters(endpoint: string): { host: string; port: string } {
  const match = /^(.*):(\d+)$/.exec(endpoint);
  return { host: endpointHost(endpoint), port: match?.[2] ?? '443' };
}
