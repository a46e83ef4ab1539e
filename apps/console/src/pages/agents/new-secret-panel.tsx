import { CopyButton } from './copy-button';
import { ecsParameters, helmInstallCommands, rotateCommands, HELM_NAMESPACE } from './install-commands';
import { absoluteTime } from './relative-time';

/** A secret just created or rotated, with what to run to use it. */
export interface NewSecret {
  kind: 'created' | 'rotated';
  tokenName: string;
  token: string;
  deployments: readonly string[];
  /** Until when the replaced secret still works (rotations only). */
  previousExpiresAt?: string | null | undefined;
}

/**
 * The one-time view of an agent token's secret: the `.secret` box with a copy
 * button, the "you will not see it again" note, and prefilled install commands
 * (Helm; after a rotation, the Secret update and restart too) for `endpoint`.
 */
export function NewSecretPanel({ secret, endpoint, onDone }: { secret: NewSecret; endpoint: string | null; onDone: () => void }) {
  const install = endpoint ? helmInstallCommands({ token: secret.token, endpoint, agentName: secret.tokenName, deployments: secret.deployments }) : null;
  const ecs = endpoint ? ecsParameters(endpoint) : null;
  return (
    <section className="new-secret" aria-labelledby="new-secret-title">
      <h3 id="new-secret-title">
        {secret.kind === 'created' ? `Agent token "${secret.tokenName}" created` : `Agent token "${secret.tokenName}" rotated`}
      </h3>
      <p>
        <strong>Copy this secret now: you will not see it again.</strong> Gantry stores only its hash.
      </p>
      <div className="secret mono" data-testid="agent-token-secret">{secret.token}</div>
      <p><CopyButton text={secret.token} label="Copy secret" /></p>
      {secret.kind === 'rotated' && (
        <p>
          The previous secret keeps working until <strong>{absoluteTime(secret.previousExpiresAt)}</strong> (the grace period), so running
          agents stay connected while you roll the new secret out. After that, only the new secret is accepted.
        </p>
      )}
      {!endpoint && <p className="error">The control plane did not say its agent address; fill in controlPlane.grpcAddress yourself.</p>}
      {endpoint && /^(0\.0\.0\.0|\[::\]):/.test(endpoint) && (
        <p className="error">
          The control plane listens on every interface ({endpoint}), which agents cannot dial: replace controlPlane.grpcAddress with its public
          address, or set GANTRY_AGENT_ENDPOINT on the control plane.
        </p>
      )}
      {secret.kind === 'rotated' && (
        <>
          <h4>Update an agent installed with Helm</h4>
          <pre tabIndex={0} className="command mono" data-testid="rotate-command">{rotateCommands(secret.token)}</pre>
          <CopyButton text={rotateCommands(secret.token)} label="Copy update commands" />
        </>
      )}
      {install && (
        <details open={secret.kind === 'created'}>
          <summary>Install an agent on Kubernetes with Helm</summary>
          <p className="muted">
            From a checkout of the Gantry repository. Add your code locations with <span className="mono">--values</span> (see{' '}
            <span className="mono">codeLocations</span> in deploy/helm/gantry-agent/values.yaml); the agent runs them as Jobs in namespace{' '}
            <span className="mono">{HELM_NAMESPACE}</span>.
          </p>
          <pre tabIndex={0} className="command mono" data-testid="helm-command">{install}</pre>
          <CopyButton text={install} label="Copy Helm commands" />
        </details>
      )}
      {ecs && (
        <p className="muted">
          On AWS ECS instead: deploy the CloudFormation template <span className="mono">deploy/ecs/agent-service.yaml</span> with the secret stored in
          Secrets Manager (<span className="mono">AgentTokenSecretArn</span>), <span className="mono">ControlPlaneHost={ecs.host}</span> and{' '}
          <span className="mono">ControlPlanePort={ecs.port}</span>.
        </p>
      )}
      <button type="button" onClick={onDone}>I have copied it</button>
    </section>
  );
}
