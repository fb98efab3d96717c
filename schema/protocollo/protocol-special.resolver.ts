import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { PROTOCOL_READ_PERSONAL_DATA } from '../documents/index.js';
import { RepertorioEntry } from '../repertori/index.js';
import { differimentoOf, ProtocolDifferimento } from './protocol-differimento.js';
import type { ProtocolAnnotation } from './protocol-parts.entity.js';
import { particolareEntryLoader } from './protocol-particolare.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import { ProtocolNote } from './protocollo-enums.js';
import { protocolloLoaders } from './protocollo-loaders.js';

/**
 * The special registration of a record (differito, riservato, particolare, typed notes).
 * Reached only through record visibility: whoever sees the record sees its document and so
 * the document's repertorio entry.
 */
@Resolver(() => ProtocolRecord)
export class ProtocolSpecialFieldsResolver {
  @FieldResolver(() => ProtocolDifferimento, {
    nullable: true,
    description:
      'Protocollo differito: the actual receipt day, the cause and the authorisation; null when not deferred',
  })
  @AnyAuthenticated()
  differimento(@Root() r: ProtocolRecord): ProtocolDifferimento | null {
    return differimentoOf(r);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Riservato until this day (YYYY-MM-DD), from its document (001 §8.9): until then only those involved see it; null when not riservato',
  })
  @AnyAuthenticated()
  async reservedUntil(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<string | null> {
    return (await protocolloLoaders.document(ctx).load(r.documentId))?.reservedUntil ?? null;
  }

  @FieldResolver(() => Boolean, {
    description:
      'Protocollo particolare (001 §8.10): only the named users see it, and it has repertorioParticolare',
  })
  @AnyAuthenticated()
  async particolare(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<boolean> {
    return (await protocolloLoaders.document(ctx).load(r.documentId))?.particolare ?? false;
  }

  @FieldResolver(() => RepertorioEntry, {
    nullable: true,
    description:
      'A protocollo particolare is also numbered in the AOO\u2019s repertorio PROTOCOLLO_PARTICOLARE: its entry (number/year); null for other records',
  })
  @AnyAuthenticated()
  repertorioParticolare(
    @Root() r: ProtocolRecord,
    @Ctx() ctx: RequestContext,
  ): Promise<RepertorioEntry | null> {
    return particolareEntryLoader(ctx).load(r.id);
  }

  @FieldResolver(() => [ProtocolNote], {
    description:
      'The typed notes added at registration (vari destinatari, anonymous, unsigned, signature checks)',
  })
  @ListSize({ maxItems: Object.keys(ProtocolNote).length })
  @AnyAuthenticated()
  async specialNotes(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<ProtocolNote[]> {
    const annotations = await protocolloLoaders.annotations(ctx).load(r.id);
    const notes = new Set(annotations.flatMap((a) => (a.note === null ? [] : [a.note])));
    return Object.values(ProtocolNote).filter((n) => notes.has(n));
  }
}

/**
 * The VARI_DESTINATARI annotation lists the recipients by name and contact: personal data, so
 * without PROTOCOL_READ_PERSONAL_DATA in the record's AOO its text is withheld like the
 * correspondents' names (the note itself stays).
 */
export function withRecipientListsMasked(
  ctx: RequestContext,
  record: ProtocolRecord,
  annotations: ProtocolAnnotation[],
): ProtocolAnnotation[] {
  if (ctx.grants.has(PROTOCOL_READ_PERSONAL_DATA, record.aooId)) return annotations;
  return annotations.map((a) =>
    a.note === ProtocolNote.VARI_DESTINATARI
      ? Object.assign(Object.create(Object.getPrototypeOf(a) as object) as ProtocolAnnotation, a, {
          text: 'Vari destinatari (elenco non visibile: dati personali)',
        })
      : a,
  );
}
