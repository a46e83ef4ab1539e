import path from 'node:path';
import pino, { type Logger } from 'pino';
import { testLogFile } from '@gantry/telemetry/testing';
import { createLogger } from '../logger';

/**
 * Under `npm test`: the control plane's production logger (same redaction) at
 * debug level, writing into the run's log folder as
 * `<test file>.<service>.log`, where the runner's last step checks it for
 * registered secrets. Undefined outside `npm test` (callers keep their default).
 */
export function testRunLogger(service = 'control-plane'): Logger | undefined {
  const testFile = path.relative(process.cwd(), process.argv[1] ?? 'test').replace(/[\\/]/g, '__');
  const file = testLogFile(`${testFile}.${service}`);
  return file ? createLogger('debug', pino.destination({ dest: file, append: true, sync: true })) : undefined;
}
