import { Ctx, Field, FieldResolver, ID, ObjectType, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { Document, PROTOCOL_READ_PERSONAL_DATA } from '../documents/index.js';
import { currentDocumentClassification, Fascicolo, fascicoloLoader } from '../fascicoli/index.js';
import { orgLoaders, Uor, User } from '../organisation/index.js';
import { TitolarioNode, titolarioNodeLoader } from '../titolario/index.js';
import { MAX_ANNOTATIONS } from './protocol-changes.service.js';
import { MAX_CORRESPONDENTS } from './protocol-input-checks.js';
import { type CcEntry, type LinkEntry, MAX_CC, MAX_LINKS } from './protocol-cc-links.js';
import { ProtocolCc, ProtocolLink } from './protocol-cc-links.types.js';
import {
  ProtocolAnnotation,
  ProtocolCorrespondent,
  ProtocolFile,
  ProtocolVersion,
} from './protocol-parts.entity.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import { protocolloLoaders } from './protocollo-loaders.js';
import { withRecipientListsMasked } from './protocol-special.resolver.js';

/** At most this many files a registration binds: the primary and the documents module's 500 attachments. */
const MAX_FILES = 501;
/** At most this many records link to one record (linkedFrom). */
const MAX_LINKED_FROM = 1000;

/** The links whose other record the caller sees, with it (never anything of a hidden one). */
async function visibleLinks(ctx: RequestContext, links: LinkEntry[]): Promise<ProtocolLink[]> {
  const records = await protocolloLoaders.visibleRecord(ctx).loadMany(links.map((l) => l.recordId));
  return links.flatMap((l, i) => {
    const record = records[i];
    return record instanceof ProtocolRecord ? [{ kind: l.kind, record }] : [];
  });
}

/** A list field of a change (cc, links) as text: `uor:<id>`, `user:<id>`, `<KIND>:<record id>` (hidden records: `<KIND>:hidden`). */
async function listAsText(ctx: RequestContext, field: string, list: unknown): Promise<string | null> {
  if (!Array.isArray(list)) return null;
  if (field === 'links') {
    const links = list as LinkEntry[];
    const records = await protocolloLoaders.visibleRecord(ctx).loadMany(links.map((l) => l.recordId));
    return links
      .map((l, i) => `${l.kind}:${records[i] instanceof ProtocolRecord ? l.recordId : 'hidden'}`)
      .join(', ');
  }
  return (list as CcEntry[])
    .map((e) => (e.uorId !== undefined ? `uor:${e.uorId}` : `user:${e.userId}`))
    .join(', ');
}

@ObjectType({ description: 'One changed managed field of a version: the previous and the new value' })
@AnyAuthenticated()
export class ProtocolFieldChange {
  @Field({
    description:
      'The field (uorId, rpaId, classificationId, fascicoloId, documentType, meansOfTransmission…)',
  })
  field!: string;

  @Field(() => String, { nullable: true, description: 'The value before (null: none)' })
  previous!: string | null;

  @Field(() => String, { nullable: true, description: 'The value from this version on (null: cleared)' })
  value!: string | null;
}

/** Reached only through record visibility: the record's parts and document are then visible. */
@Resolver(() => ProtocolRecord)
export class ProtocolRecordFieldsResolver {
  @FieldResolver(() => [ProtocolCorrespondent], {
    description: 'Senders or recipients as registered, in order (registratura)',
  })
  @ListSize({ maxItems: MAX_CORRESPONDENTS })
  @AnyAuthenticated()
  async correspondents(
    @Root() r: ProtocolRecord,
    @Ctx() ctx: RequestContext,
  ): Promise<ProtocolCorrespondent[]> {
    const visible = ctx.grants.has(PROTOCOL_READ_PERSONAL_DATA, r.aooId);
    const rows = await protocolloLoaders.correspondents(ctx).load(r.id);
    for (const c of rows) c.personalDataVisible = visible;
    return rows;
  }

  @FieldResolver(() => [ProtocolFile], {
    description: 'Files bound at registration with their digests: 0 the primary, 1.. the attachments',
  })
  @ListSize({ maxItems: MAX_FILES })
  @AnyAuthenticated()
  files(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<ProtocolFile[]> {
    return protocolloLoaders.files(ctx).load(r.id);
  }

  @FieldResolver(() => [ProtocolAnnotation], { description: 'Annotations, oldest first (append-only)' })
  @ListSize({ maxItems: MAX_ANNOTATIONS })
  @AnyAuthenticated()
  async annotations(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<ProtocolAnnotation[]> {
    return withRecipientListsMasked(ctx, r, await protocolloLoaders.annotations(ctx).load(r.id));
  }

  @FieldResolver(() => Document, { description: 'The registered primary document' })
  @AnyAuthenticated()
  async document(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<Document> {
    const doc = await protocolloLoaders.document(ctx).load(r.documentId);
    if (!doc) throw new Error(`document ${r.documentId} of record ${r.id} is missing`);
    return doc;
  }

  @FieldResolver(() => Uor, { nullable: true, description: 'The UOR (managed field)' })
  @AnyAuthenticated()
  uor(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return orgLoaders.uor(ctx).load(r.uorId);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'The RPA (managed field); null when none or not visible',
  })
  @AnyAuthenticated()
  async rpa(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<User | null> {
    return r.rpaId === null ? null : orgLoaders.user(ctx).load(r.rpaId);
  }

  @FieldResolver(() => TitolarioNode, { nullable: true, description: 'The classification (managed field)' })
  @AnyAuthenticated()
  async classification(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<TitolarioNode | null> {
    return r.classificationId === null ? null : titolarioNodeLoader(ctx).load(r.classificationId);
  }

  @FieldResolver(() => Fascicolo, {
    nullable: true,
    description: 'The fascicolo (managed field); null when none or when the caller cannot see it',
  })
  @AnyAuthenticated()
  async fascicolo(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<Fascicolo | null> {
    return r.fascicoloId === null ? null : fascicoloLoader(ctx).load(r.fascicoloId);
  }

  @FieldResolver(() => [ProtocolCc], {
    description:
      'CC (per conoscenza, managed field): offices and users of the AOO it is sent to for information, in the order added',
  })
  @ListSize({ maxItems: MAX_CC })
  @AnyAuthenticated()
  async cc(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<ProtocolCc[]> {
    return (await protocolloLoaders.cc(ctx).load(r.id)).map((c) => ({ uorId: c.uor_id, userId: c.user_id }));
  }

  @FieldResolver(() => [ProtocolLink], {
    description:
      'Links (collegamenti, managed field) to other records of the AOO; those to records the caller cannot see are left out',
  })
  @ListSize({ maxItems: MAX_LINKS })
  @AnyAuthenticated()
  async links(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<ProtocolLink[]> {
    return visibleLinks(ctx, await protocolloLoaders.links(ctx).load(r.id));
  }

  @FieldResolver(() => [ProtocolLink], {
    description:
      'Records that link to this one (kind as they state it); those the caller cannot see are left out',
  })
  @ListSize({ maxItems: MAX_LINKED_FROM })
  @AnyAuthenticated()
  async linkedFrom(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<ProtocolLink[]> {
    return visibleLinks(ctx, (await protocolloLoaders.linkedFrom(ctx).load(r.id)).slice(0, MAX_LINKED_FROM));
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who registered it; null when not visible' })
  @AnyAuthenticated()
  registeredBy(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(r.registeredById);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who annulled it; null when it stands or not visible',
  })
  @AnyAuthenticated()
  async annulledBy(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<User | null> {
    return r.annulledById === null ? null : orgLoaders.user(ctx).load(r.annulledById);
  }
}

@Resolver(() => ProtocolAnnotation)
export class ProtocolAnnotationFieldsResolver {
  @FieldResolver(() => User, { nullable: true, description: 'Who added it; null when not visible' })
  @AnyAuthenticated()
  createdBy(@Root() a: ProtocolAnnotation, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(a.createdById);
  }
}

@Resolver(() => ProtocolVersion)
export class ProtocolVersionFieldsResolver {
  @FieldResolver(() => User, { nullable: true, description: 'Who made this version; null when not visible' })
  @AnyAuthenticated()
  changedBy(@Root() v: ProtocolVersion, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(v.changedById);
  }

  @FieldResolver(() => [ProtocolFieldChange], {
    description: 'What changed from the previous version (version 1: the values as registered)',
  })
  @ListSize({ maxItems: 10 })
  @AnyAuthenticated()
  async changes(@Root() v: ProtocolVersion, @Ctx() ctx: RequestContext): Promise<ProtocolFieldChange[]> {
    return Promise.all(
      Object.entries(v.changes).map(async ([field, [previous, value]]) =>
        Array.isArray(previous) || Array.isArray(value)
          ? {
              field,
              previous: await listAsText(ctx, field, previous),
              value: await listAsText(ctx, field, value),
            }
          : { field, previous: previous as string | null, value: value as string | null },
      ),
    );
  }

  // Versions show their lists as ids (leaf lists): a history of up to MAX_VERSIONS versions
  // with nested objects per entry would cost more than any client may ask for.
  @FieldResolver(() => [ID], { description: 'Offices (UOR ids) in CC in this version, in the order added' })
  @ListSize({ maxItems: MAX_CC })
  @AnyAuthenticated()
  ccUorIds(@Root() v: ProtocolVersion): string[] {
    return v.cc.flatMap((e) => (e.uorId !== undefined ? [e.uorId] : []));
  }

  @FieldResolver(() => [ID], { description: 'Users in CC in this version, in the order added' })
  @ListSize({ maxItems: MAX_CC })
  @AnyAuthenticated()
  ccUserIds(@Root() v: ProtocolVersion): string[] {
    return v.cc.flatMap((e) => (e.userId !== undefined ? [e.userId] : []));
  }

  @FieldResolver(() => [String], {
    description:
      'Links in this version as `<kind>:<record id>` (PRECEDENTE, RISPOSTA_A, RIFERIMENTO); those to records the caller cannot see are left out',
  })
  @ListSize({ maxItems: MAX_LINKS })
  @AnyAuthenticated()
  async links(@Root() v: ProtocolVersion, @Ctx() ctx: RequestContext): Promise<string[]> {
    return (await visibleLinks(ctx, v.links)).map((l) => `${l.kind}:${l.record.id}`);
  }
}

/** Documents carry their protocol registration (a document reaches here only when visible). */
@Resolver(() => Document)
export class DocumentProtocolRecordResolver {
  @FieldResolver(() => ProtocolRecord, { nullable: true, description: 'Its protocol registration, if any' })
  @AnyAuthenticated()
  protocolRecord(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<ProtocolRecord | null> {
    return protocolloLoaders.recordOfDocument(ctx).load(doc.id);
  }

  /*
   * Resolved here, not in the fascicoli module: a registered document's classification is a
   * managed field of its record, and fascicoli (before protocollo) cannot read records.
   */
  @FieldResolver(() => TitolarioNode, {
    nullable: true,
    description:
      "Its classification: a registered document's is its protocol record's (managed field), a document non protocollato's the last of classificationHistory",
  })
  @AnyAuthenticated()
  async classification(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<TitolarioNode | null> {
    const record = await protocolloLoaders.recordOfDocument(ctx).load(doc.id);
    const nodeId = record ? record.classificationId : await currentDocumentClassification(ctx, doc.id);
    return nodeId === null ? null : titolarioNodeLoader(ctx).load(nodeId);
  }
}
