/**
 * Test support: a real `moto` server (an independent emulator of the AWS APIs,
 * pinned in scripts/requirements-dev.txt and installed into `<repo>/.gantry/venv`
 * by scripts/ensure-install.mjs) on 127.0.0.1, on a port the OS picks.
 *
 * moto keeps ECS and CloudWatch Logs state but runs no containers: its tasks
 * never write logs and never stop by themselves (once {@link MotoServer.holdTasksRunning}
 * is set). Tests play the container's part: they write its output into the
 * task's log stream and stop the task.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';

/** The workspace venv's Python, which has moto[server] and boto3. */
export const VENV_PYTHON = path.resolve(import.meta.dirname, '../../../../.gantry/venv/bin/python');

/** Region every test client uses. */
export const MOTO_REGION = 'us-east-1';

/** Static credentials moto accepts (it checks none). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** ECS and CloudWatch Logs clients of the real AWS SDK, pointed at this server. */
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  /**
   * The region's default VPC as moto creates it: a subnet id and the default
   * security group id (read with boto3, since no EC2 client is among our npm packages).
   */
  defaultNetwork(): Promise<{ subnetId: string; securityGroupId: string }>;
  /** Security group ids of a network interface (an awsvpc task's ENI), read with boto3. */
  networkInterfaceGroups(eniId: string): Promise<string[]>;
  /** Keeps ECS tasks RUNNING until StopTask (moto's state manager otherwise advances them on every DescribeTasks). */
  holdTasksRunning(): Promise<void>;
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);

/**
 * Starts `python -m moto.server -H 127.0.0.1 -p 0` and waits for its
 * "Running on" line. Errors: a message naming the venv when moto is not
 * installed, or the server's output when it does not come up within 60 s.
 */
export async function startMotoServer(): Promise<MotoServer> {
  if (!existsSync(VENV_PYTHON)) {
    throw new Error(`moto is needed for the ECS tests but ${VENV_PYTHON} does not exist: run \`node scripts/ensure-install.mjs\``);
  }
  const child = spawn(VENV_PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`moto did not start within 60 s; its output:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto exited with code ${code} before serving; its output:\n${output}`));
    });
  });
  // Keep draining the request log so the pipe never fills.
  child.stdout.resume();
  child.stderr.resume();
  const clientConfig = { region: MOTO_REGION, endpoint, credentials: MOTO_CREDENTIALS };
  const ecs = new ECSClient(clientConfig);
  const logs = new CloudWatchLogsClient(clientConfig);
  return {
    endpoint,
    ecs,
    logs,
    defaultNetwork: async () => {
      const script = [
        'import boto3, json, sys',
        `ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="${MOTO_REGION}", aws_access_key_id="testing", aws_secret_access_key="testing")`,
        'subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]["SubnetId"]',
        'sg = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]',
        'print(json.dumps({"subnetId": subnet, "securityGroupId": sg}))',
      ].join('\n');
      const { stdout } = await execFileAsync(VENV_PYTHON, ['-c', script, endpoint]);
      return JSON.parse(stdout) as { subnetId: string; securityGroupId: string };
    },
    networkInterfaceGroups: async (eniId) => {
      const script = [
        'import boto3, json, sys',
        `ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="${MOTO_REGION}", aws_access_key_id="testing", aws_secret_access_key="testing")`,
        'eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[sys.argv[2]])["NetworkInterfaces"][0]',
        'print(json.dumps([g["GroupId"] for g in eni["Groups"]]))',
      ].join('\n');
      const { stdout } = await execFileAsync(VENV_PYTHON, ['-c', script, endpoint, eniId]);
      return JSON.parse(stdout) as string[];
    },
    holdTasksRunning: async () => {
      const res = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
        method: 'POST',
        body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000_000 } }),
      });
      if (res.status !== 201) throw new Error(`moto refused the state-manager transition: HTTP ${res.status} ${await res.text()}`);
    },
    stop: async () => {
      ecs.destroy();
      logs.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
