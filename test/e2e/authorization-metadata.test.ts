import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMetadataStorage } from 'type-graphql';
import { createAppPubSub } from '../../server/events/pubsub.js';
import { buildAppSchema } from '../../server/graphql/schema.js';
import { isPublicField } from '../../server/auth/public.js';

/**
 * Deny by default: every operation and every object field must say who may use it, with
 * @Authorized (on the field, or on its class) or an explicit @Public.
 */
describe('authorization metadata', () => {
  it('covers every Query, Mutation, Subscription and object field', async () => {
    await buildAppSchema(createAppPubSub(undefined).pubSub); // fills the metadata caches
    const storage = getMetadataStorage();
    const authorized = (target: Function, field: string): boolean =>
      storage.authorizedFields.some((a) => a.target === target && a.fieldName === field) ||
      storage.authorizedResolver.some((a) => a.target === target) ||
      isPublicField(target, field);
    const missing: string[] = [];
    let checked = 0;
    for (const op of [...storage.queries, ...storage.mutations, ...storage.subscriptions]) {
      checked++;
      if (!authorized(op.target, op.methodName)) missing.push(`${op.target.name}.${op.methodName}`);
    }
    for (const type of storage.objectTypes) {
      for (const field of type.fields ?? []) {
        checked++;
        if (!authorized(type.target, field.name)) missing.push(`${type.name}.${field.name}`);
      }
    }
    for (const fr of storage.fieldResolvers) {
      checked++;
      if (!authorized(fr.target, fr.methodName))
        missing.push(`${fr.target.name}.${fr.methodName} (field resolver)`);
    }
    assert.ok(checked > 10, `walked ${checked} fields`);
    assert.deepEqual(missing, [], `fields without authorization metadata: ${missing.join(', ')}`);
  });
});
