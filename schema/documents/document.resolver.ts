import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../server/auth/access.js';
import { DOCUMENT_CREATE } from './permissions.js';
import type { RequestContext } from '../../server/context.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { listDocuments, MAX_DOCUMENT_PAGE } from './document-list.js';
import {
  DocumentConnection,
  DocumentFilter,
  DocumentOrder,
  DocumentOrderField,
} from './document-list.types.js';
import { DocumentFile } from './document-file.entity.js';
import { CreateDocumentInput, ReplaceDocumentFileInput } from './document.inputs.js';
import { Document } from './document.entity.js';
import * as documents from './document.service.js';
import { ListSize } from '../../server/graphql/list-size.js';

@Resolver()
export class DocumentResolver {
  @Query(() => Document, { description: 'A document the caller may see; every viewing is audited' })
  @AnyAuthenticated()
  document(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<Document> {
    return documents.readDocument(ctx, id);
  }

  @Query(() => DocumentConnection, {
    description:
      'Documents of an AOO the caller may see, a page at a time (Relay connection): newest first unless orderBy says otherwise',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_DOCUMENT_PAGE })
  @AnyAuthenticated()
  documents(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO whose documents to list' }) aooId: string,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_DOCUMENT_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
    @Arg('orderBy', () => DocumentOrder, {
      defaultValue: { field: DocumentOrderField.CREATED_AT, direction: OrderDirection.DESC },
      description: 'Sort order',
    })
    orderBy: DocumentOrder,
    @Arg('filter', () => DocumentFilter, {
      nullable: true,
      description: 'Conditions the documents must meet',
    })
    filter: DocumentFilter | null,
  ): Promise<ConnectionShape<Document>> {
    return listDocuments(ctx, aooId, { first, after, orderBy, filter });
  }

  @Mutation(() => Document, {
    description: 'Create a draft document from uploaded files (needs DOCUMENT_CREATE for the UOR)',
  })
  @Requires(DOCUMENT_CREATE)
  createDocument(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The document' }) input: CreateDocumentInput,
  ): Promise<Document> {
    return documents.createDocument(ctx, input);
  }

  @Mutation(() => DocumentFile, {
    description: "Replace a draft's file (the old version stays, superseded) or append an attachment",
  })
  @Requires(DOCUMENT_CREATE)
  replaceDocumentFile(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The slot and the new file' }) input: ReplaceDocumentFileInput,
  ): Promise<DocumentFile> {
    return documents.replaceDocumentFile(ctx, input);
  }
}
