/**
 * exitOfStoppedTask on DescribeTasks answers shaped like real stopped tasks
 * (fields and texts as in the ECS guide "Amazon ECS stopped task error
 * messages"), which moto cannot produce: its containers always report exit code 0.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Task } from '@aws-sdk/client-ecs';
import { exitOfStoppedTask } from './task-exit';

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/gantry-runs/0f5c3a1e9b2d4c6f8a7e1d2c3b4a5f60';
const ctx = { containerName: 'run', memoryMiB: 2048, image: 'registry.example.com/flights:1.4.2' };

function stopped(fields: Partial<Task>, container: { exitCode?: number; reason?: string } = {}): Task {
  return { taskArn: ARN, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', containers: [{ name: 'run', lastStatus: 'STOPPED', ...container }], ...fields };
}

test('an essential container that exited reports its exit code and no failure reason', () => {
  assert.deepEqual(exitOfStoppedTask(stopped({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }, { exitCode: 0 }), ctx), { code: 0 });
  assert.deepEqual(exitOfStoppedTask(stopped({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }, { exitCode: 3 }), ctx), { code: 3 });
});

test('OutOfMemoryError on the container names the task memory and what to raise', () => {
  const exit = exitOfStoppedTask(
    stopped({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }, { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }),
    ctx,
  );
  assert.equal(exit.code, 137);
  assert.equal(
    exit.reason,
    'the container ran out of memory (task memory 2048 MiB; raise ecs.memory): OutOfMemoryError: Container killed due to memory usage; Essential container in task exited (ECS task 0f5c3a1e9b2d4c6f8a7e1d2c3b4a5f60)',
  );
});

test('a task that failed to start reports the pull error, the init error, or ECS reason', () => {
  const pull = exitOfStoppedTask(stopped({ stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: ref pull has been retried 1 time(s): failed to resolve reference' }), ctx);
  assert.equal(pull.code, null);
  assert.match(pull.reason ?? '', /^ECS could not pull the image registry\.example\.com\/flights:1\.4\.2 \(check ecs\.image/);
  const init = exitOfStoppedTask(stopped({ stopCode: 'TaskFailedToStart', stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth' }), ctx);
  assert.match(init.reason ?? '', /^ECS could not prepare the task .*ResourceInitializationError: unable to pull secrets/);
  const start = exitOfStoppedTask(stopped({ stopCode: 'TaskFailedToStart', stoppedReason: 'Essential container in task exited' }, { reason: 'CannotStartContainerError: exec: "pipeline": executable file not found in $PATH' }), ctx);
  assert.match(start.reason ?? '', /^the container could not start: CannotStartContainerError: exec: "pipeline"/);
  const other = exitOfStoppedTask(stopped({ stopCode: 'TaskFailedToStart', stoppedReason: 'Timeout waiting for network interface provisioning to complete.' }), ctx);
  assert.match(other.reason ?? '', /^the ECS task failed to start: Timeout waiting for network interface provisioning/);
});

test('Spot interruption, a StopTask from outside and a missing exit code are failures; a Gantry stop is not', () => {
  assert.match(exitOfStoppedTask(stopped({ stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' }, { exitCode: 143 }), ctx).reason ?? '', /^AWS reclaimed the capacity the task ran on \(SpotInterruption\)/);
  assert.match(exitOfStoppedTask(stopped({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' }, { exitCode: 143 }), ctx).reason ?? '', /^the ECS task was stopped outside Gantry: Task stopped by user/);
  assert.deepEqual(exitOfStoppedTask(stopped({ stopCode: 'UserInitiated', stoppedReason: 'Gantry: run r1 canceled' }, { exitCode: 143 }), { ...ctx, stoppedByGantry: true }), { code: 143 });
  // Stopped by an earlier agent process of an adopted run: its reason says so.
  assert.deepEqual(exitOfStoppedTask(stopped({ stopCode: 'UserInitiated', stoppedReason: 'Gantry: run r1 canceled' }, { exitCode: 143 }), ctx), { code: 143 });
  assert.match(exitOfStoppedTask(stopped({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }), ctx).reason ?? '', /^the run's container stopped without an exit code/);
});
