import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { DocumentFiling } from './document-filing.types.js';
import { Fascicolo } from './fascicolo.entity.js';
import {
  FileDocumentInput,
  OpenFascicoloInput,
  OpenSottofascicoloInput,
  TransferFascicoloInput,
} from './fascicolo.inputs.js';
import { listFascicoli, MAX_FASCICOLO_PAGE } from './fascicolo-list.js';
import {
  FascicoloConnection,
  FascicoloFilter,
  FascicoloOrder,
  FascicoloOrderField,
} from './fascicolo-list.types.js';
import * as fascicoli from './fascicolo.service.js';
import { readFascicolo } from './fascicolo-read.js';
import * as filing from './filing.service.js';
import { FASCICOLO_MANAGE, FASCICOLO_REOPEN } from './permissions.js';

@Resolver()
export class FascicoloResolver {
  @Query(() => Fascicolo, { description: 'A fascicolo the caller may see; every viewing is audited' })
  @AnyAuthenticated()
  fascicolo(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<Fascicolo> {
    return readFascicolo(ctx, id);
  }

  @Query(() => FascicoloConnection, {
    description:
      'Fascicoli the caller may see, filtered and sorted, a page at a time (Relay connection); newest first unless orderBy says otherwise',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_FASCICOLO_PAGE })
  @AnyAuthenticated()
  fascicoli(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => FascicoloFilter, {
      nullable: true,
      description: 'Conditions the fascicoli must meet',
    })
    filter: FascicoloFilter | null,
    @Arg('orderBy', () => FascicoloOrder, {
      defaultValue: { field: FascicoloOrderField.OPENED_AT, direction: OrderDirection.DESC },
      description: 'Sort order',
    })
    orderBy: FascicoloOrder,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_FASCICOLO_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<Fascicolo>> {
    return listFascicoli(ctx, { first, after, orderBy, filter });
  }

  @Query(() => FascicoloConnection, {
    description:
      'The repertorio dei fascicoli: the fascicoli of an AOO opened in a year, optionally under one titolo, in titolario order then by number',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_FASCICOLO_PAGE })
  @AnyAuthenticated()
  repertorioFascicoli(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('year', () => Int, { description: 'The year' }) year: number,
    @Arg('titoloId', () => ID, {
      nullable: true,
      description: 'Only this titolo (a titolario node of level 1)',
    })
    titoloId: string | null,
    @Arg('first', () => Int, { defaultValue: 100, description: `Page size, 1 to ${MAX_FASCICOLO_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<Fascicolo>> {
    return listFascicoli(ctx, {
      first,
      after,
      orderBy: { field: FascicoloOrderField.IDENTIFIER, direction: OrderDirection.ASC },
      filter: { aooId, year, classificationId: titoloId, includeSottofascicoli: false },
    });
  }

  @Mutation(() => Fascicolo, { description: 'Open a fascicolo on a leaf of the titolario in force' })
  @Requires(FASCICOLO_MANAGE)
  openFascicolo(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The fascicolo' }) input: OpenFascicoloInput,
  ): Promise<Fascicolo> {
    return fascicoli.openFascicolo(ctx, input);
  }

  @Mutation(() => Fascicolo, {
    description: 'Open a sottofascicolo under a fascicolo, or an inserto under a sottofascicolo',
  })
  @Requires(FASCICOLO_MANAGE)
  openSottofascicolo(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The sottofascicolo' }) input: OpenSottofascicoloInput,
  ): Promise<Fascicolo> {
    return fascicoli.openSottofascicolo(ctx, input);
  }

  @Mutation(() => Fascicolo, {
    description:
      'Close a fascicolo whose sottofascicoli are closed; its closing date is that of its last document',
  })
  @Requires(FASCICOLO_MANAGE)
  closeFascicolo(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The fascicolo' }) id: string,
  ): Promise<Fascicolo> {
    return fascicoli.closeFascicolo(ctx, id);
  }

  @Mutation(() => Fascicolo, { description: 'Reopen a closed fascicolo (the RGD), giving the reason' })
  @Requires(FASCICOLO_REOPEN)
  reopenFascicolo(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The fascicolo' }) id: string,
    @Arg('reason', { description: 'Why it is reopened (kept in its history)' }) reason: string,
  ): Promise<Fascicolo> {
    return fascicoli.reopenFascicolo(ctx, id, reason);
  }

  @Mutation(() => Fascicolo, { description: 'Transfer a fascicolo to another RPA, and possibly another UOR' })
  @Requires(FASCICOLO_MANAGE)
  transferFascicolo(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The transfer' }) input: TransferFascicoloInput,
  ): Promise<Fascicolo> {
    return fascicoli.transferFascicolo(ctx, input);
  }

  @Mutation(() => DocumentFiling, {
    description: 'File a document into an open fascicolo, as primary or linked',
  })
  @Requires(FASCICOLO_MANAGE)
  fileDocument(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The document and the fascicolo' }) input: FileDocumentInput,
  ): Promise<DocumentFiling> {
    return filing.fileDocument(ctx, input);
  }

  @Mutation(() => Fascicolo, {
    description: 'Take a document out of an open fascicolo (the filing stays in the history)',
  })
  @Requires(FASCICOLO_MANAGE)
  unfileDocument(
    @Ctx() ctx: RequestContext,
    @Arg('fascicoloId', () => ID, { description: 'The fascicolo' }) fascicoloId: string,
    @Arg('documentId', () => ID, { description: 'The document' }) documentId: string,
  ): Promise<Fascicolo> {
    return filing.unfileDocument(ctx, fascicoloId, documentId);
  }
}
