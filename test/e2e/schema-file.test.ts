import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { createAppPubSub } from '../../server/events/pubsub.js';
import { buildAppSchema, printAppSchema } from '../../server/graphql/schema.js';

describe('schema/schema.graphql', () => {
  it('is exactly the schema the server builds (run `npm run schema:emit` after changing it)', async () => {
    const built = printAppSchema(await buildAppSchema(createAppPubSub(undefined).pubSub));
    const committed = await readFile(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
    assert.equal(committed, built);
  });
});
