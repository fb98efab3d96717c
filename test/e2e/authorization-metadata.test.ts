import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMetadataStorage } from 'type-graphql';
import { coreModules } from '../../schema/modules.js';
import { describeAccess, fieldAccess, typeAccess } from '../../server/auth/access.js';
import { createAppPubSub } from '../../server/events/pubsub.js';
import { buildAppSchema } from '../../server/graphql/schema.js';
import { composeModules } from '../../server/modules/compose.js';
import { plugin as conservazione } from '../../plugins/conservazione/index.js';
import { plugin as pec } from '../../plugins/pec/index.js';

// The plugins of this checkout too: their types and operations follow the same rule.
const everything = () => composeModules([...coreModules, pec, conservazione]);

/**
 * Deny by default: every operation states on itself who may use it (@Requires a permission,
 * @AnyAuthenticated, @PlatformAdmin or @Public); object fields state it or take their type's.
 * A bare @Authorized() says nothing a reader can check, and a class-level rule must not stand
 * in for an operation's own.
 */
describe('authorization metadata', () => {
  it('every Query, Mutation and Subscription field names its own rule, and the SDL shows it', async () => {
    const schema = await buildAppSchema(everything(), createAppPubSub(undefined).pubSub);
    const storage = getMetadataStorage();
    const missing: string[] = [];
    const undescribed: string[] = [];
    const operations = [
      [storage.queries, schema.getQueryType()],
      [storage.mutations, schema.getMutationType()],
      [storage.subscriptions, schema.getSubscriptionType()],
    ] as const;
    let checked = 0;
    for (const [ops, type] of operations) {
      for (const op of ops) {
        checked++;
        const rule = fieldAccess(op.target, op.methodName);
        if (!rule) {
          missing.push(`${op.target.name}.${op.methodName}`);
          continue;
        }
        const description = type?.getFields()[op.schemaName]?.description ?? '';
        if (!description.endsWith(describeAccess(rule))) undescribed.push(op.schemaName);
      }
    }
    assert.ok(checked >= 30, `walked ${checked} operations`);
    assert.deepEqual(missing, [], `operations without their own access rule: ${missing.join(', ')}`);
    assert.deepEqual(
      undescribed,
      [],
      `operations whose SDL description lacks the rule: ${undescribed.join(', ')}`,
    );
  });

  it('every object field has a rule, on itself or on its type', async () => {
    await buildAppSchema(everything(), createAppPubSub(undefined).pubSub);
    const storage = getMetadataStorage();
    const missing: string[] = [];
    for (const type of storage.objectTypes) {
      for (const field of type.fields ?? []) {
        if (!fieldAccess(type.target, field.name) && !typeAccess(type.target))
          missing.push(`${type.name}.${field.name}`);
      }
    }
    for (const fr of storage.fieldResolvers) {
      // A getter of the type itself is one of its fields: its type's rule covers it.
      if (fr.kind === 'internal' && typeAccess(fr.target)) continue;
      if (!fieldAccess(fr.target, fr.methodName))
        missing.push(`${fr.target.name}.${fr.methodName} (field resolver)`);
    }
    assert.deepEqual(missing, [], `fields without access rule: ${missing.join(', ')}`);
  });

  it('no bare @Authorized(): every type-graphql authorization comes from an access rule', async () => {
    await buildAppSchema(everything(), createAppPubSub(undefined).pubSub);
    const storage = getMetadataStorage();
    const bare = [
      ...storage.authorizedFields
        .filter((a) => !fieldAccess(a.target, a.fieldName))
        .map((a) => `${a.target.name}.${a.fieldName}`),
      ...storage.authorizedResolver.filter((a) => !typeAccess(a.target)).map((a) => a.target.name),
    ];
    assert.deepEqual(bare, [], `@Authorized used directly on: ${bare.join(', ')}`);
  });
});
