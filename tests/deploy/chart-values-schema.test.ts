/**
 * Each chart's values.schema.json rejects bad values before anything renders:
 * every file in tests/deploy/bad-values/<chart>/ makes a real `helm lint` and
 * `helm template` fail with the messages its `# expect:` lines name.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { chartDir, helm } from './support/helm';

const BAD_VALUES = path.join(import.meta.dirname, 'bad-values');

/** The `# expect: …` lines at the top of a bad values file. */
function expectedMessages(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('# expect: '))
    .map((l) => l.slice('# expect: '.length));
}

for (const chart of ['gantry-agent', 'gantry']) {
  describe(`${chart} values schema`, () => {
    const files = readdirSync(path.join(BAD_VALUES, chart)).filter((f) => f.endsWith('.yaml')).sort();

    test('there are bad values files for wrong types, missing required values and out-of-range numbers', () => {
      assert.ok(files.length >= 8, `${chart}: ${files.join(', ')}`);
    });

    for (const name of files) {
      const file = path.join(BAD_VALUES, chart, name);
      test(`${name} is refused with its expected message`, async () => {
        const expected = expectedMessages(file);
        assert.ok(expected.length > 0, `${name} names the message it expects`);
        const lint = await helm(['lint', chartDir(chart), '--values', file]);
        assert.notEqual(lint.code, 0, `helm lint accepted ${name}:\n${lint.out}`);
        assert.match(lint.out, /values don't meet the specifications of the schema/);
        const template = await helm(['template', 'bad', chartDir(chart), '--values', file]);
        assert.notEqual(template.code, 0, `helm template accepted ${name}`);
        for (const message of expected) {
          assert.ok(lint.out.includes(message), `helm lint names "${message}":\n${lint.out}`);
          assert.ok(template.out.includes(message), `helm template names "${message}":\n${template.out}`);
        }
      });
    }
  });
}
