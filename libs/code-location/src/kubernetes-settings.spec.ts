import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidCodeLocationError } from './definition';
import { parseCodeLocation } from './load';

const base = ['name: jobs', 'command: ["python", "run.py"]'];

test('gantry.yaml kubernetes: section is validated and kept in the definition', () => {
  const def = parseCodeLocation(
    [
      ...base,
      'kubernetes:',
      '  image: registry.example/jobs:1.2',
      '  serviceAccountName: runner',
      '  resources: { requests: { cpu: 500m }, limits: { memory: 2Gi, nvidia.com/gpu: 1 } }',
      '  tolerations: [{ key: dedicated, operator: Equal, value: batch, effect: NoSchedule }]',
      '  envFromSecrets: [warehouse]',
      'assets:',
      '  - key: a',
      '    tags: { "gantry/k8s-config": \'{"resources":{"limits":{"memory":"8Gi"}}}\' }',
      '',
    ].join('\n'),
    '/x/gantry.yaml',
  );
  assert.deepEqual(def.kubernetes, {
    image: 'registry.example/jobs:1.2',
    serviceAccountName: 'runner',
    resources: { requests: { cpu: '500m' }, limits: { memory: '2Gi', 'nvidia.com/gpu': 1 } },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }],
    envFromSecrets: ['warehouse'],
  });
  const without = parseCodeLocation([...base, 'assets: [{ key: a }]', ''].join('\n'), '/x/gantry.yaml');
  assert.equal('kubernetes' in without, false, 'absent when not configured, so existing digests do not change');
});

test('gantry.yaml: unknown kubernetes fields and a bad gantry/k8s-config tag are refused, naming the field or the asset', () => {
  assert.throws(
    () => parseCodeLocation([...base, 'kubernetes: { image: x, serviceAcount: y }', 'assets: [{ key: a }]', ''].join('\n'), '/x/gantry.yaml'),
    (e: unknown) => e instanceof InvalidCodeLocationError && /\/x\/gantry\.yaml: kubernetes: .*serviceAcount/.test(e.message),
  );
  assert.throws(
    () => parseCodeLocation([...base, 'assets:', '  - key: a/b', '    tags: { "gantry/k8s-config": "{not json" }', ''].join('\n'), '/x/gantry.yaml'),
    (e: unknown) => e instanceof InvalidCodeLocationError && /asset a\/b of code location jobs: tag gantry\/k8s-config is not JSON/.test(e.message),
  );
  assert.throws(
    () => parseCodeLocation([...base, 'assets:', '  - key: a', '    tags: { "gantry/k8s-config": \'{"ttlSecondsAfterFinished":-1}\' }', ''].join('\n'), '/x/gantry.yaml'),
    (e: unknown) => e instanceof InvalidCodeLocationError && /tag gantry\/k8s-config: ttlSecondsAfterFinished/.test(e.message),
  );
});
