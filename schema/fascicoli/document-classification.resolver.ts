import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ListSize } from '../../server/graphql/list-size.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { Document, DocumentConnection } from '../documents/index.js';
import { orgLoaders, User } from '../organisation/index.js';
import { TitolarioNode, titolarioNodeLoader } from '../titolario/index.js';
import {
  classificationVersionsLoader,
  classifyDocument,
  MAX_CLASSIFICATION_VERSIONS,
} from './document-classification.service.js';
import {
  ClassifyDocumentInput,
  DocumentClassificationVersion,
  UnregisteredDocumentFilter,
} from './document-classification.types.js';
import { listUnregisteredDocuments, MAX_UNREGISTERED_PAGE } from './unregistered-documents.js';
import { FASCICOLO_MANAGE } from './permissions.js';

@Resolver()
export class DocumentClassificationResolver {
  @Query(() => DocumentConnection, {
    description:
      'Documents non protocollati of an AOO the caller may see, by their classification (Relay connection), newest first',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_UNREGISTERED_PAGE })
  @AnyAuthenticated()
  documentsNonProtocollati(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('filter', () => UnregisteredDocumentFilter, {
      nullable: true,
      description: 'Conditions the documents must meet',
    })
    filter: UnregisteredDocumentFilter | null,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_UNREGISTERED_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<Document>> {
    return listUnregisteredDocuments(ctx, aooId, filter, first, after);
  }

  @Mutation(() => Document, {
    description:
      'Classify a document non protocollato on a leaf of the titolario in force (a registered one is classified on its protocol record, with updateProtocolFields)',
  })
  @Requires(FASCICOLO_MANAGE)
  classifyDocument(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The document and the node' }) input: ClassifyDocumentInput,
  ): Promise<Document> {
    return classifyDocument(ctx, input);
  }
}

/** A document reaches here only when visible; its classification versions are read through it. */
@Resolver(() => Document)
export class DocumentClassificationHistoryResolver {
  @FieldResolver(() => [DocumentClassificationVersion], {
    description: `The versions of its classification as a document non protocollato, oldest first (the latest ${MAX_CLASSIFICATION_VERSIONS}); a registered document's later changes are in protocolHistory`,
  })
  @ListSize({ maxItems: MAX_CLASSIFICATION_VERSIONS })
  @AnyAuthenticated()
  classificationHistory(
    @Root() doc: Document,
    @Ctx() ctx: RequestContext,
  ): Promise<DocumentClassificationVersion[]> {
    return classificationVersionsLoader(ctx).load(doc.id);
  }
}

@Resolver(() => DocumentClassificationVersion)
export class DocumentClassificationVersionFieldsResolver {
  @FieldResolver(() => TitolarioNode, {
    nullable: true,
    description: 'The titolario node from this version on',
  })
  @AnyAuthenticated()
  classification(
    @Root() v: DocumentClassificationVersion,
    @Ctx() ctx: RequestContext,
  ): Promise<TitolarioNode | null> {
    return titolarioNodeLoader(ctx).load(v.classificationId);
  }

  @FieldResolver(() => TitolarioNode, {
    nullable: true,
    description: 'The titolario node before; null for version 1',
  })
  @AnyAuthenticated()
  previousClassification(
    @Root() v: DocumentClassificationVersion,
    @Ctx() ctx: RequestContext,
  ): Promise<TitolarioNode | null> {
    return v.previousClassificationId === null
      ? Promise.resolve(null)
      : titolarioNodeLoader(ctx).load(v.previousClassificationId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who classified it; null when not visible' })
  @AnyAuthenticated()
  classifiedBy(@Root() v: DocumentClassificationVersion, @Ctx() ctx: RequestContext): Promise<User | null> {
    return v.actorId === null ? Promise.resolve(null) : orgLoaders.user(ctx).load(v.actorId);
  }
}
