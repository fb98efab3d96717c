import 'reflect-metadata';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  lexicographicSortSchema,
  specifiedDirectives,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { coreResolvers } from '../../schema/resolvers.js';
import { aclDirective } from '../auth/acl.js';
import { authChecker } from '../auth/auth-checker.js';
import { refreshCallerPerEvent } from './subscription-event-auth.js';
import type { AppPubSub } from '../events/pubsub.js';

/*
 * Record types declare `simpleResolvers: true`: their plain fields resolve as plain properties,
 * without type-graphql's middleware chain (it made a page of 14,000 rows spend a third of its
 * time in per-field promises). Access is decided before a record is reached: the root operation
 * is authorized and the service (or the DataLoader of a field resolver, which keeps its
 * middlewares) applies row visibility. A field that masks (@acl) keeps its middleware: it is a
 * field resolver, or sits on a type without simpleResolvers (Signer); the masking tests fail if
 * that changes.
 */
export async function buildAppSchema(
  pubSub: AppPubSub,
  extraResolvers: Function[] = [],
): Promise<GraphQLSchema> {
  const resolvers = [...coreResolvers, ...extraResolvers] as NonEmptyArray<Function>;
  const schema = await buildSchema({
    resolvers,
    authChecker,
    // 'error' rejects only the one operation; 'null' would tear down a whole WebSocket (STACK.md).
    authMode: 'error',
    pubSub,
    // The standard directives (@include, @skip, @deprecated, @specifiedBy, @oneOf) stay: clients send them.
    directives: [...specifiedDirectives, aclDirective],
    globalMiddlewares: [refreshCallerPerEvent],
    validate: false,
  });
  // type-graphql offers no description for the root types: the SDL is where client teams start.
  const roots: Array<[GraphQLObjectType | null | undefined, string]> = [
    [schema.getQueryType(), 'What can be read: each field says who may ask'],
    [schema.getMutationType(), 'What can be changed: every change is audited, in the same transaction'],
    [schema.getSubscriptionType(), 'Live feeds over graphql-ws on the same URL (token in connectionParams)'],
  ];
  for (const [type, description] of roots) if (type) type.description = description;
  return schema;
}

/** The SDL committed as schema/schema.graphql: sorted, with directives (the @acl markers). */
export function printAppSchema(schema: GraphQLSchema): string {
  return printSchemaWithDirectives(lexicographicSortSchema(schema)) + '\n';
}
