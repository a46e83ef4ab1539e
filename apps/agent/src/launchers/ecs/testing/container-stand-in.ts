/**
 * Test support for the ECS launcher on moto, which runs no containers: plays
 * the container's and ECS's part. The container's output is produced by the
 * real TypeScript Pipes client (libs/pipes/src/testing/client-fixture.ts) run
 * with exactly the environment of the task's container override, then written
 * into the task's CloudWatch stream as the awslogs driver would; the task is
 * ended with StopTask and the reason ECS would give.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CreateLogStreamCommand, DescribeLogStreamsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import type { MotoServer } from '../../../testing/moto-server';

const REPO = path.resolve(import.meta.dirname, '../../../../../..');
const CLIENT_FIXTURE = path.join(REPO, 'libs/pipes/src/testing/client-fixture.ts');

/** A run's `details` (the RUN_STARTED payload): `logGroup` and `logStream` name its CloudWatch stream. */
export type LogPlace = Readonly<Record<string, unknown>>;

/** What ECS passes to the container: the environment of the task's container override. */
export function containerEnv(task: Task): Record<string, string> {
  const env = task.overrides?.containerOverrides?.[0]?.environment ?? [];
  return Object.fromEntries(env.map((e) => [e.name ?? '', e.value ?? '']));
}

/** Stands in for the containers of the tasks of one cluster on a moto server. */
export class ContainerStandIn {
  constructor(
    private readonly moto: MotoServer,
    private readonly cluster: string,
  ) {}

  /** The task as DescribeTasks shows it (with tags); fails the test when moto does not know it. */
  async describeTask(taskArn: string): Promise<Task> {
    const answer = await this.moto.ecs.send(new DescribeTasksCommand({ cluster: this.cluster, tasks: [taskArn], include: ['TAGS'] }));
    const task = answer.tasks?.[0];
    assert.ok(task, `DescribeTasks does not know ${taskArn}`);
    return task;
  }

  /** Runs the real Pipes client scenario (`parity`, `interleaved`, …) with the task's container environment; resolves with its stdout lines. */
  async realClientStdout(taskArn: string, scenario: string): Promise<string[]> {
    const env = containerEnv(await this.describeTask(taskArn));
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT_FIXTURE, scenario], {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, `the Pipes client failed: ${stderr}`);
    return stdout.split('\n').filter((l) => l !== '');
  }

  /** Writes lines into the task's stream the way the awslogs driver does (stream `<prefix>/<container>/<task id>`, one event per line). */
  async replayIntoCloudWatch(details: LogPlace, lines: string[]): Promise<void> {
    const logGroupName = String(details['logGroup']);
    const logStreamName = String(details['logStream']);
    const streams = await this.moto.logs.send(new DescribeLogStreamsCommand({ logGroupName, logStreamNamePrefix: logStreamName }));
    if (!streams.logStreams?.some((s) => s.logStreamName === logStreamName)) await this.moto.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
    const now = Date.now();
    await this.moto.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: lines.map((message, i) => ({ timestamp: now + i, message })) }));
  }

  /** Stops the task as ECS does when something ends it (StopTask with ECS's reason text). */
  async stopAsEcs(taskArn: string, reason: string): Promise<void> {
    await this.moto.ecs.send(new StopTaskCommand({ cluster: this.cluster, task: taskArn, reason }));
  }
}
