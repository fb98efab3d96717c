import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Requires } from '../../../server/auth/access.js';
import type { RequestContext } from '../../../server/context.js';
import { ListSize } from '../../../server/graphql/list-size.js';
import { DocumentConnection } from '../../../schema/documents/index.js';
import { CONSERVATION_MANAGE } from '../package/index.js';
import { ConservationSeriesType, MAX_SERIES_PAGE, seriesDocumentPage, seriesTypes } from './series.js';

/** Most series an AOO lists (its repertori and protocol document types are few). */
export const MAX_SERIES_TYPES = 500;

@Resolver()
export class ConservationSeriesResolver {
  @Query(() => [ConservationSeriesType], {
    description:
      'The series of registered documents of an AOO the archivist builds packages from (each repertorio, each protocol document type, registered mail), with how much of each is conserved',
  })
  @ListSize({ maxItems: MAX_SERIES_TYPES })
  @Requires(CONSERVATION_MANAGE)
  conservationSeriesTypes(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
  ): Promise<ConservationSeriesType[]> {
    return seriesTypes(ctx, aooId);
  }

  @Query(() => DocumentConnection, {
    description: `The registered documents of one series that the caller sees, in registration order (at most ${MAX_SERIES_PAGE} per page); each one's conservation field gives its colour`,
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_SERIES_PAGE })
  @Requires(CONSERVATION_MANAGE)
  conservationSeriesDocuments(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('typeKey', { description: 'A typeKey of conservationSeriesTypes' }) typeKey: string,
    @Arg('onlyNotConserved', { defaultValue: false, description: 'Only the documents not conserved yet' })
    onlyNotConserved: boolean,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size (1..${MAX_SERIES_PAGE})` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page' })
    after: string | null,
  ): Promise<DocumentConnection> {
    return seriesDocumentPage(
      ctx,
      aooId,
      typeKey,
      onlyNotConserved,
      first,
      after ?? null,
    ) as Promise<DocumentConnection>;
  }
}
