import 'reflect-metadata';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLSchema, lexicographicSortSchema, specifiedDirectives, type GraphQLObjectType } from 'graphql';
import { buildSchema, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import { describeAccess, fieldAccess } from '../auth/access.js';
import { aclDirective } from '../auth/acl.js';
import { authChecker } from '../auth/auth-checker.js';
import type { AppPubSub } from '../events/pubsub.js';
import type { ComposedModules } from '../modules/compose.js';
import { refreshCallerPerEvent } from './subscription-event-auth.js';

/**
 * The executable schema of the composed modules: their resolvers, the `Permission` enum of
 * their permissions, the `ErrorCode` enum of their error codes, and each root field's access
 * rule in its description.
 *
 * Record types declare `simpleResolvers: true`: their plain fields resolve as plain properties,
 * without type-graphql's middleware chain (it made a page of 14,000 rows spend a third of its
 * time in per-field promises). Access is decided before a record is reached: the root operation
 * is authorized and the service (or the DataLoader of a field resolver, which keeps its
 * middlewares) applies row visibility. A field that masks (@acl) keeps its middleware: it is a
 * field resolver, or sits on a type without simpleResolvers (Signer); the masking tests fail if
 * that changes.
 */
export async function buildAppSchema(
  modules: Pick<ComposedModules, 'resolvers' | 'permissions' | 'errorCodes'>,
  pubSub: AppPubSub,
): Promise<GraphQLSchema> {
  modules.permissions.publishEnum();
  const built = await buildSchema({
    resolvers: modules.resolvers as NonEmptyArray<Function>,
    authChecker,
    // 'error' rejects only the one operation; 'null' would tear down a whole WebSocket (STACK.md).
    authMode: 'error',
    pubSub,
    // The standard directives (@include, @skip, @deprecated, @specifiedBy, @oneOf) stay: clients send them.
    directives: [...specifiedDirectives, aclDirective(modules.permissions)],
    validate: false,
  });
  const config = built.toConfig();
  const schema = new GraphQLSchema({ ...config, types: [...config.types, modules.errorCodes.graphqlEnum()] });
  describeRoots(schema);
  refreshCallerPerEvent(schema);
  return schema;
}

/** Root type descriptions, and each operation's access rule appended to its own description. */
function describeRoots(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const roots: Array<[GraphQLObjectType | null | undefined, string, typeof storage.queries]> = [
    [schema.getQueryType(), 'What can be read: each field says who may ask', storage.queries],
    [
      schema.getMutationType(),
      'What can be changed: every change is audited, in the same transaction',
      storage.mutations,
    ],
    [
      schema.getSubscriptionType(),
      'Live feeds over graphql-ws on the same URL (token in connectionParams)',
      storage.subscriptions,
    ],
  ];
  for (const [type, description, operations] of roots) {
    if (!type) continue;
    // type-graphql offers no description for the root types: the SDL is where client teams start.
    type.description = description;
    const fields = type.getFields();
    for (const op of operations) {
      const field = fields[op.schemaName];
      const rule = fieldAccess(op.target, op.methodName);
      if (!field || !rule) continue;
      const access = describeAccess(rule);
      if (!field.description?.endsWith(access)) {
        field.description = field.description ? `${field.description}\n\n${access}` : access;
      }
    }
  }
}

/** The SDL committed as schema/schema.graphql: sorted, with directives (the @acl markers). */
export function printAppSchema(schema: GraphQLSchema): string {
  return printSchemaWithDirectives(lexicographicSortSchema(schema)) + '\n';
}
