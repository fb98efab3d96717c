import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { ProtocolRecord, protocolloLoaders } from '../protocollo/index.js';
import { workflowLoaders } from './assegnazioni-loaders.js';
import { Assignment } from './assignment.entity.js';
import { inboxCounts, listInbox, MAX_INBOX_PAGE } from './inbox.js';
import { InboxCounts, InboxEntry, InboxEntryConnection, InboxFilter, InboxKind } from './inbox.types.js';

@Resolver()
export class InboxResolver {
  @Query(() => InboxEntryConnection, {
    description:
      "One of the caller's inboxes (vaschette), newest first (Relay connection); listing is an audited viewing",
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_INBOX_PAGE })
  @AnyAuthenticated()
  inbox(
    @Ctx() ctx: RequestContext,
    @Arg('kind', () => InboxKind, { description: 'Which inbox' }) kind: InboxKind,
    @Arg('filter', () => InboxFilter, { nullable: true, description: 'Conditions the entries must meet' })
    filter: InboxFilter | null,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_INBOX_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<InboxEntry>> {
    return listInbox(ctx, kind, { first, after, filter });
  }

  @Query(() => InboxCounts, {
    description: "How many registrations each of the caller's inboxes holds (one statement)",
  })
  @AnyAuthenticated()
  inboxCounts(@Ctx() ctx: RequestContext): Promise<InboxCounts> {
    return inboxCounts(ctx);
  }
}

@Resolver(() => InboxEntry)
export class InboxEntryFieldsResolver {
  @FieldResolver(() => ProtocolRecord, {
    nullable: true,
    description: 'The registration; null only if the caller stopped seeing it since the page was read',
  })
  @AnyAuthenticated()
  record(@Root() e: InboxEntry, @Ctx() ctx: RequestContext): Promise<ProtocolRecord | null> {
    return protocolloLoaders.visibleRecord(ctx).load(e.recordId);
  }

  @FieldResolver(() => Assignment, {
    nullable: true,
    description: 'The competence that put it here; null for CC',
  })
  @AnyAuthenticated()
  assignment(@Root() e: InboxEntry, @Ctx() ctx: RequestContext): Promise<Assignment | null> {
    return e.assignmentId === null
      ? Promise.resolve(null)
      : workflowLoaders.assignment(ctx).load(e.assignmentId);
  }
}
