import assert from 'node:assert/strict';
import { coreModules } from '../../schema/modules.js';
import { composeModules } from '../../server/modules/compose.js';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { createAppPubSub } from '../../server/events/pubsub.js';
import { buildAppSchema, printAppSchema } from '../../server/graphql/schema.js';
import { loadPlugins } from '../../server/modules/plugins.js';

const root = new URL('../../../', import.meta.url);

describe('schema/schema.graphql', () => {
  it('is exactly the schema the server builds (run `npm run schema:emit` after changing it)', async () => {
    const built = printAppSchema(
      await buildAppSchema(composeModules(coreModules), createAppPubSub(undefined).pubSub),
    );
    const committed = await readFile(new URL('schema/schema.graphql', root), 'utf8');
    assert.equal(committed, built);
  });
});

describe('schema/schema.plugins.graphql', () => {
  it('is exactly the schema the server builds with the plugins of this checkout (run `npm run schema:emit`)', async () => {
    const plugins = await loadPlugins(['pec', 'conservazione']);
    const built = printAppSchema(
      await buildAppSchema(composeModules([...coreModules, ...plugins]), createAppPubSub(undefined).pubSub),
    );
    const committed = await readFile(new URL('schema/schema.plugins.graphql', root), 'utf8');
    assert.equal(committed, built);
  });
});

describe('clients/sdk', () => {
  it('holds exactly the typed operations codegen makes from the committed schema (run `npm run sdk:generate`)', async () => {
    const cwd = process.cwd();
    process.chdir(new URL('.', root).pathname);
    try {
      const { config } = await loadCodegenConfig({ configFilePath: 'clients/sdk/codegen.yml' });
      const outputs = (await generate({ ...config, cwd: process.cwd() }, false)) as Array<{
        filename: string;
        content: string;
      }>;
      // Both SDKs: the core one and the plugins' one (clients/sdk/generated/plugins.ts).
      assert.deepEqual(outputs.map((o) => o.filename).sort(), [
        'clients/sdk/generated/graphql.ts',
        'clients/sdk/generated/plugins.ts',
      ]);
      for (const out of outputs) {
        const committed = await readFile(new URL(out.filename, root), 'utf8');
        assert.equal(committed, out.content, `${out.filename} drifted`);
      }
    } finally {
      process.chdir(cwd);
    }
  });
});
