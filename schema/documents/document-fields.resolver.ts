import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { PROTOCOL_READ_PERSONAL_DATA } from './permissions.js';
import type { RequestContext } from '../../server/context.js';
import { Aoo } from '../organisation/index.js';
import { orgLoaders } from '../organisation/index.js';
import { Uor } from '../organisation/index.js';
import { User } from '../organisation/index.js';
import { DocumentFile } from './document-file.entity.js';
import { documentLoaders } from './document-loaders.js';
import { Document } from './document.entity.js';
import { SignatureInfo } from './signature-info.types.js';
import { StoredFile } from './stored-file.entity.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { MAX_ATTACHMENTS, MAX_FILE_VERSIONS } from './document.service.js';

/**
 * Nested document fields. A Document reaches here only through the visibility rule (document-visibility.ts); its files are
 * then visible through it. Organisation records still pass their own visibility (a document's
 * creator may be a user the caller cannot see: null).
 */
@Resolver(() => Document)
export class DocumentFieldsResolver {
  @FieldResolver(() => Aoo, { nullable: true, description: 'The AOO the document belongs to' })
  @AnyAuthenticated()
  aoo(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<Aoo | null> {
    return orgLoaders.aoo(ctx).load(doc.aoo.id);
  }

  @FieldResolver(() => Uor, { nullable: true, description: 'The responsible UOR' })
  @AnyAuthenticated()
  uor(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return orgLoaders.uor(ctx).load(doc.uor.id);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who created the document; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  createdBy(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(doc.createdBy.id);
  }

  @FieldResolver(() => DocumentFile, { nullable: true, description: 'The primary document (slot 0)' })
  @AnyAuthenticated()
  async primary(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<DocumentFile | null> {
    return (await documentLoaders.currentFiles(ctx).load(doc.id)).find((f) => f.position === 0) ?? null;
  }

  @FieldResolver(() => [DocumentFile], {
    description: `Current attachments, in order (at most ${MAX_ATTACHMENTS})`,
  })
  @ListSize({ maxItems: MAX_ATTACHMENTS })
  @AnyAuthenticated()
  async attachments(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<DocumentFile[]> {
    return (await documentLoaders.currentFiles(ctx).load(doc.id)).filter((f) => f.position > 0);
  }

  @FieldResolver(() => [DocumentFile], {
    description: `Every version of every slot, superseded ones included (at most ${MAX_FILE_VERSIONS})`,
  })
  @ListSize({ maxItems: MAX_FILE_VERSIONS })
  @AnyAuthenticated()
  fileHistory(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<DocumentFile[]> {
    return documentLoaders.allFiles(ctx).load(doc.id);
  }
}

@Resolver(() => DocumentFile)
export class DocumentFileFieldsResolver {
  @FieldResolver(() => StoredFile, { description: 'The file in this slot and version' })
  @AnyAuthenticated()
  async file(@Root() df: DocumentFile, @Ctx() ctx: RequestContext): Promise<StoredFile> {
    const file = await documentLoaders.storedFile(ctx).load(df.file.id);
    if (!file) throw new Error(`stored file ${df.file.id} of document file ${df.id} is missing`);
    return file;
  }
}

@Resolver(() => StoredFile)
export class StoredFileFieldsResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who uploaded the file; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  uploadedBy(@Root() file: StoredFile, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(file.uploadedBy.id);
  }

  @FieldResolver(() => SignatureInfo, { description: "What the check of the file's digital signature found" })
  @AnyAuthenticated()
  async signature(@Root() file: StoredFile, @Ctx() ctx: RequestContext): Promise<SignatureInfo> {
    const d = file.signatureDetail;
    // Personal data of signers: PROTOCOL_READ_PERSONAL_DATA in the AOO of a document the caller
    // sees the file through, or, for the uploader of a file not yet filed, in any AOO.
    const aoos = await documentLoaders.visibleAoosOfFile(ctx).load(file.id);
    const personalDataVisible =
      aoos.some((aooId) => ctx.grants.has(PROTOCOL_READ_PERSONAL_DATA, aooId)) ||
      (aoos.length === 0 &&
        file.uploadedBy.id === ctx.user?.id &&
        ctx.grants.has(PROTOCOL_READ_PERSONAL_DATA));
    return {
      status: file.signatureStatus,
      label: d.label,
      kind: d.kind,
      detail: d.detail,
      signingTime: d.signingTime ? new Date(d.signingTime) : null,
      envelopeDepth: d.envelopeDepth,
      signers: d.signers.map((s) => ({
        personalDataVisible,
        commonName: s.commonName ?? null,
        fiscalCode: s.fiscalCode ?? null,
        subject: s.subject,
        issuer: s.issuer,
        notBefore: new Date(s.notBefore),
        notAfter: new Date(s.notAfter),
        certificateSerial: s.certificateSerial,
      })),
    };
  }
}
