import DataLoader from 'dataloader';
import { Ctx, Field, FieldResolver, ID, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';
import { loader, type RequestContext } from '../../../server/context.js';
import { ListSize } from '../../../server/graphql/list-size.js';
import { ProtocolRecord } from '../../../schema/protocollo/index.js';
import { PecDelivery } from '../send/index.js';

/** The four Allegato 6 messages a counterpart sends about one of our records. */
export enum PecInteropMessageKind {
  CONFERMA = 'conferma',
  AGGIORNAMENTO = 'aggiornamento',
  ECCEZIONE = 'eccezione',
  ANNULLAMENTO = 'annullamento',
}

registerEnumType(PecInteropMessageKind, {
  name: 'PecInteropMessageKind',
  description: 'An interoperability message (Allegato 6) received about one of our records',
  valuesConfig: {
    CONFERMA: { description: 'ConfermaRicezione: the counterpart registered our message' },
    AGGIORNAMENTO: {
      description: 'AggiornamentoConferma: the counterpart updates a registration it confirmed',
    },
    ECCEZIONE: { description: 'NotificaEccezione: the counterpart found our message irregular' },
    ANNULLAMENTO: { description: 'AnnullamentoProtocollazione: a registration was annulled' },
  },
});

/** At most this many per delivery (oldest first): a counterpart answers a message a few times. */
export const MAX_INTEROP_PER_DELIVERY = 10;
/** At most this many per record (several deliveries, or the sender of a message we registered). */
export const MAX_INTEROP_PER_RECORD = 50;

@ObjectType({
  simpleResolvers: true,
  description: 'A registration as Allegato 6 identifies it (IdentificatoreType) — the counterpart’s',
})
@AnyAuthenticated()
export class PecRegistrationReference {
  @Field({ description: 'IPA code of the administration' })
  codiceAmministrazione!: string;

  @Field({ description: 'IPA code of the AOO' })
  codiceAOO!: string;

  @Field({ description: 'The register’s code' })
  codiceRegistro!: string;

  @Field({ description: 'Registration number as written (at least 7 digits)' })
  numero!: string;

  @Field({ description: 'Registration date (YYYY-MM-DD)' })
  data!: string;

  @Field(() => String, { nullable: true, description: 'Registration time (HH:MM:SS), when given' })
  ora!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'What a counterpart AOO told us by PEC about one of our records (Allegato 6): its registration, an exception, an annulment',
})
// Reached only through a record the caller sees (ProtocolRecord.pecInteropMessages, PecDelivery.interopMessages).
@AnyAuthenticated()
export class PecInteropMessage {
  @Field(() => ID, { description: 'Stable identifier' })
  id!: string;

  @Field(() => PecInteropMessageKind, { description: 'Which message' })
  kind!: PecInteropMessageKind;

  @Field(() => ID, { nullable: true, description: 'The outgoing delivery it answers, when known' })
  deliveryId!: string | null;

  @Field(() => PecRegistrationReference, {
    nullable: true,
    description:
      'The counterpart’s registration: Conferma/Aggiornamento/Eccezione its registration of our message; Annullamento the registration annulled',
  })
  registration!: PecRegistrationReference | null;

  @Field(() => String, { nullable: true, description: 'Eccezione: its code (000_Irricevibile …)' })
  eccezioneCode!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Eccezione: what was wrong; Annullamento: the reason',
  })
  description!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Annullamento: the act (provvedimento) that annulled it',
  })
  act!: string | null;

  @Field({ description: 'The message validated against pec_message.xsd' })
  schemaValid!: boolean;

  @Field(() => [String], { description: 'What was wrong with the message as received, each in words' })
  problems!: string[];

  @Field({ description: 'When our mailbox received it' })
  receivedAt!: Date;
}

interface ReceivedRow {
  id: string;
  kind: PecInteropMessageKind;
  record_id: string | null;
  delivery_id: string | null;
  counterpart: Record<string, unknown> | null;
  eccezione_code: string | null;
  description: string | null;
  act: string | null;
  schema_valid: boolean;
  problems: string[];
  received_at: Date;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function asReference(c: Record<string, unknown> | null): PecRegistrationReference | null {
  if (!c) return null;
  return {
    codiceAmministrazione: str(c['codiceAmministrazione']),
    codiceAOO: str(c['codiceAOO']),
    codiceRegistro: str(c['codiceRegistro']),
    numero: str(c['numero']),
    data: str(c['data']),
    ora: typeof c['ora'] === 'string' ? c['ora'] : null,
  };
}

function asMessage(r: ReceivedRow): PecInteropMessage {
  return {
    id: r.id,
    kind: r.kind,
    deliveryId: r.delivery_id,
    registration: asReference(r.counterpart),
    eccezioneCode: r.eccezione_code,
    description: r.description,
    act: r.act,
    schemaValid: r.schema_valid,
    problems: r.problems,
    receivedAt: new Date(r.received_at),
  };
}

/** One query per list of deliveries (or records), oldest first, grouped per key. */
function receivedBy(ctx: RequestContext, column: 'delivery_id' | 'record_id', max: number) {
  return new DataLoader<string, PecInteropMessage[]>(async (ids) => {
    const rows = await ctx.em.execute<ReceivedRow[]>(
      `select id, kind, record_id, delivery_id, counterpart, eccezione_code, description, act, schema_valid,
              problems, received_at
         from pec_interop_received where ${column} = any(?::uuid[]) order by received_at, id`,
      [`{${ids.join(',')}}`],
    );
    const by = new Map<string, PecInteropMessage[]>(ids.map((k) => [k, []]));
    for (const r of rows) {
      const list = by.get((column === 'delivery_id' ? r.delivery_id : r.record_id) ?? '');
      if (list && list.length < max) list.push(asMessage(r));
    }
    return ids.map((k) => by.get(k) ?? []);
  });
}

export const interopReceivedLoaders = {
  ofDelivery: (ctx: RequestContext) =>
    loader(ctx, 'pec.interopOfDelivery', () => receivedBy(ctx, 'delivery_id', MAX_INTEROP_PER_DELIVERY)),
  ofRecord: (ctx: RequestContext) =>
    loader(ctx, 'pec.interopOfRecord', () => receivedBy(ctx, 'record_id', MAX_INTEROP_PER_RECORD)),
};

/**
 * The counterpart's registration of our message as it last told us (the latest Conferma or
 * Aggiornamento; an Aggiornamento brings new facts about a registration already confirmed).
 */
export function currentRegistration(messages: readonly PecInteropMessage[]): PecRegistrationReference | null {
  const confirmed = messages.filter(
    (m) => m.kind === PecInteropMessageKind.CONFERMA || m.kind === PecInteropMessageKind.AGGIORNAMENTO,
  );
  return confirmed.at(-1)?.registration ?? null;
}

@Resolver(() => PecDelivery)
export class PecDeliveryInteropResolver {
  @FieldResolver(() => [PecInteropMessage], {
    description:
      'What the recipient AOO answered about this message (Conferma, Aggiornamento, Eccezione, Annullamento), oldest first',
  })
  @ListSize({ maxItems: MAX_INTEROP_PER_DELIVERY })
  @AnyAuthenticated()
  interopMessages(@Root() d: PecDelivery, @Ctx() ctx: RequestContext): Promise<PecInteropMessage[]> {
    return interopReceivedLoaders.ofDelivery(ctx).load(d.id);
  }

  @FieldResolver(() => PecRegistrationReference, {
    nullable: true,
    description:
      'The recipient AOO’s registration of this message, from its latest Conferma or Aggiornamento (null: not confirmed)',
  })
  @AnyAuthenticated()
  async counterpartRegistration(
    @Root() d: PecDelivery,
    @Ctx() ctx: RequestContext,
  ): Promise<PecRegistrationReference | null> {
    return currentRegistration(await interopReceivedLoaders.ofDelivery(ctx).load(d.id));
  }
}

@Resolver(() => ProtocolRecord)
export class ProtocolRecordInteropResolver {
  @FieldResolver(() => [PecInteropMessage], {
    description:
      'Interoperability messages received by PEC about the record (a Conferma of our sending, an Annullamento of the message we registered…), oldest first',
  })
  @ListSize({ maxItems: MAX_INTEROP_PER_RECORD })
  @AnyAuthenticated()
  pecInteropMessages(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<PecInteropMessage[]> {
    return interopReceivedLoaders.ofRecord(ctx).load(r.id);
  }
}
