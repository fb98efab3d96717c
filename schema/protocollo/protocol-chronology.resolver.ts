import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { AUDIT_READ } from '../audit/index.js';
import { MAX_CHRONOLOGY_PAGE, recordChronology } from './protocol-chronology.js';
import { ChronologyEntryConnection, type ChronologyEntry } from './protocol-chronology.types.js';

@Resolver()
export class ProtocolChronologyResolver {
  @Query(() => ChronologyEntryConnection, {
    description:
      "The chronology of a registration from the audit trail, oldest first: registration, smistamento, CC, assignments, returns, filing, managed-field changes with old and new values, annulment, viewings, downloads (AUDIT_READ in the record's AOO)",
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_CHRONOLOGY_PAGE })
  @Requires(AUDIT_READ)
  protocolChronology(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The registration' }) id: string,
    @Arg('first', () => Int, { defaultValue: 50, description: `Page size, 1 to ${MAX_CHRONOLOGY_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<ChronologyEntry>> {
    return recordChronology(ctx, id, { first, after });
  }
}
