import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Permission } from '../../server/auth/permission.js';
import type { RequestContext } from '../../server/context.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { DocumentFile } from './document-file.entity.js';
import { CreateDocumentInput, ReplaceDocumentFileInput } from './document.inputs.js';
import { Document } from './document.entity.js';
import * as documents from './document.service.js';

@Resolver()
export class DocumentResolver {
  @Query(() => Document)
  @Authorized()
  document(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Document> {
    return documents.readDocument(ctx, id);
  }

  @Query(() => [Document], { description: 'Documents of an AOO the caller may see, newest first' })
  @Authorized()
  documents(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID) aooId: string,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
  ): Promise<Document[]> {
    if (first < 1 || first > 500) throw new InvalidInputError('first', 'must be between 1 and 500');
    if (offset < 0) throw new InvalidInputError('offset', 'must not be negative');
    return documents.listDocuments(ctx, aooId, first, offset);
  }

  @Query(() => Int, { description: 'How many documents of the AOO the caller may see' })
  @Authorized()
  documentCount(@Ctx() ctx: RequestContext, @Arg('aooId', () => ID) aooId: string): Promise<number> {
    return documents.countDocuments(ctx, aooId);
  }

  @Mutation(() => Document)
  @Authorized(Permission.DOCUMENT_CREATE)
  createDocument(@Ctx() ctx: RequestContext, @Arg('input') input: CreateDocumentInput): Promise<Document> {
    return documents.createDocument(ctx, input);
  }

  @Mutation(() => DocumentFile, {
    description: "Replace a draft's file (the old version stays, superseded) or append an attachment",
  })
  @Authorized(Permission.DOCUMENT_CREATE)
  replaceDocumentFile(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: ReplaceDocumentFileInput,
  ): Promise<DocumentFile> {
    return documents.replaceDocumentFile(ctx, input);
  }
}
