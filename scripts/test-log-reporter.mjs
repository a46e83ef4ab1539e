/**
 * Node test reporter used by `npm test` beside `spec`: copies everything each
 * test file writes to stdout and stderr (the services it starts log there as
 * JSON lines) into `<GANTRY_TEST_LOG_DIR>/<test file path with / as __>.log`,
 * so the run's service logs are kept in one folder and checked for registered
 * secrets at the end (scripts/test.ts). Plain JavaScript: Node loads reporters
 * before tsx's hooks.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';

/** @param {AsyncIterable<{ type: string, data: { file?: string, message?: string } }>} source */
export default async function* testLogReporter(source) {
  const dir = process.env.GANTRY_TEST_LOG_DIR;
  for await (const event of source) {
    if (!dir || (event.type !== 'test:stdout' && event.type !== 'test:stderr')) continue;
    const file = path.relative(process.cwd(), event.data.file ?? 'unknown').replace(/[\\/]/g, '__');
    appendFileSync(path.join(dir, `${file}.log`), event.data.message ?? '');
  }
  yield '';
}
