import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator: typed documents for every `graphql(...)` call in the
 * console, from the control plane's committed schema. Output is generated
 * (not committed); `node scripts/ensure-install.mjs` and `npm run generate`
 * write it.
 */
const config: CodegenConfig = {
  schema: 'apps/control-plane/schema.graphql',
  documents: ['apps/console/src/**/*.{ts,tsx}', '!apps/console/src/gql/**'],
  generates: {
    'apps/console/src/gql/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown', BigInt: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
  ignoreNoDocuments: true,
};
export default config;
