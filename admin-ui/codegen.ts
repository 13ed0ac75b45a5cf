import type { CodegenConfig } from '@graphql-codegen/cli';
import { existsSync } from 'node:fs';

// Types come from the API's own schema: the published schema.graphql when
// the repository has one, the schema sources otherwise. Every query the UI
// sends is a document in src/ checked against it, so a schema change that
// breaks the UI fails here or in the type check.
const schema = existsSync('../schema.graphql') ? '../schema.graphql' : '../graph/*.graphql';

const config: CodegenConfig = {
    schema,
    documents: ['src/**/*.graphql.ts'],
    generates: {
        'src/generated/graphql.ts': {
            plugins: ['typescript-operations'],
            config: {
                scalars: { ID: 'string', Time: 'string', Date: 'string', Cursor: 'string', Upload: 'File', Map: 'Record<string, unknown>' },
                avoidOptionals: { field: true, inputValue: false, object: false },
                skipTypename: true,
                useTypeImports: true,
                strictScalars: true,
            },
        },
    },
};
export default config;
