import 'reflect-metadata';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { lexicographicSortSchema, specifiedDirectives, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { coreResolvers } from '../../schema/resolvers.js';
import { aclDirective } from '../auth/acl.js';
import { authChecker } from '../auth/auth-checker.js';
import { refreshCallerPerEvent } from './subscription-event-auth.js';
import { refuseUnstorableText } from './text-guard.js';
import type { AppPubSub } from '../events/pubsub.js';

export async function buildAppSchema(
  pubSub: AppPubSub,
  extraResolvers: Function[] = [],
): Promise<GraphQLSchema> {
  const resolvers = [...coreResolvers, ...extraResolvers] as NonEmptyArray<Function>;
  return buildSchema({
    resolvers,
    authChecker,
    // 'error' rejects only the one operation; 'null' would tear down a whole WebSocket (STACK.md).
    authMode: 'error',
    pubSub,
    // The standard directives (@include, @skip, @deprecated, @specifiedBy, @oneOf) stay: clients send them.
    directives: [...specifiedDirectives, aclDirective],
    globalMiddlewares: [refreshCallerPerEvent, refuseUnstorableText],
    validate: false,
  });
}

/** The SDL committed as schema/schema.graphql: sorted, with directives (the @acl markers). */
export function printAppSchema(schema: GraphQLSchema): string {
  return printSchemaWithDirectives(lexicographicSortSchema(schema)) + '\n';
}
