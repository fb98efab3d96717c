import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { ProtocolKind, ProtocolState } from './protocollo-enums.js';

/**
 * One registration in the protocol register of an AOO (DOMAIN §5). The registratura — number,
 * year, date and time, kind, oggetto, digests, number of attachments — never changes (service
 * and database); UOR, RPA, classification and the optional fields are managed, every change a
 * new version; an annulment keeps the record in the sequence, marked ANNULLATO.
 */
@Entity({ tableName: 'protocol_record' })
@ObjectType({ simpleResolvers: true, description: 'A registration in the protocol register' })
@AnyAuthenticated()
export class ProtocolRecord {
  [OptionalProps]?:
    | 'state'
    | 'annulledAt'
    | 'annulledById'
    | 'annulmentReason'
    | 'annulmentAuthorisation'
    | 'sentByPec'
    | 'sentByPecAt'
    | 'version'
    | 'rpaId'
    | 'classificationId'
    | 'fascicoloId'
    | 'documentType'
    | 'meansOfTransmission'
    | 'formattedNumber'
    | 'receivedOn'
    | 'differimentoReason'
    | 'differimentoAuthorisation'
    | 'anonymousSender'
    | 'variDestinatari';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  aooId!: string;

  @Property({ type: 'uuid' })
  documentId!: string;

  @Enum({ items: () => ProtocolKind, length: 10 })
  @Field(() => ProtocolKind, { description: 'Arrivo, partenza or interno (registratura)' })
  kind!: ProtocolKind;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Number in the AOO register and year: 1, 2, 3… with no gaps' })
  number!: number;

  @Field({ description: 'The number as the register shows it: at least 7 digits, zero-padded (0000042)' })
  @AnyAuthenticated()
  get formattedNumber(): string {
    return formatProtocolNumber(this.number);
  }

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Year of the number (the Italian calendar year of the registration)' })
  year!: number;

  @Property({ type: 'date' })
  @Field({ description: 'Registration date, YYYY-MM-DD (Italian calendar day)' })
  date!: string;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'Registration date and time (registratura)' })
  registeredAt!: Date;

  @Property({ type: 'uuid', fieldName: 'registered_by' })
  registeredById!: string;

  @Property({ length: 2000 })
  @Field({ description: 'Oggetto as registered (registratura)' })
  oggetto!: string;

  @Property({ length: 64, columnType: 'char(64)', fieldName: 'primary_sha256' })
  @Field({ description: 'SHA-256 of the primary document at registration, lowercase hex (impronta)' })
  primarySha256!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Number of attachments at registration (registratura)' })
  attachmentCount!: number;

  @Property({ type: 'uuid' })
  uorId!: string;

  @Property({ type: 'uuid', nullable: true })
  rpaId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  classificationId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, {
    nullable: true,
    description:
      "The fascicolo (managed field) the record's document is filed in as its primary, through the fascicoli module; `fascicolo` gives it when the caller may see it",
  })
  fascicoloId: string | null = null;

  @Property({ length: 200, nullable: true })
  @Field(() => String, { nullable: true, description: 'Document type (managed field)' })
  documentType: string | null = null;

  @Property({ length: 40, nullable: true })
  @Field(() => String, {
    nullable: true,
    description:
      'Means of transmission: PEC, EMAIL, POSTA, RACCOMANDATA, A_MANO, FAX, INTEROPERABILITA… (managed)',
  })
  meansOfTransmission: string | null = null;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Version of the managed fields: 1 at registration, one more per change' })
  version: number = 1;

  @Enum({ items: () => ProtocolState, length: 12 })
  @Field(() => ProtocolState, { description: 'Registered, or annulled (the record stays in the sequence)' })
  state: ProtocolState = ProtocolState.REGISTRATO;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was annulled' })
  annulledAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true, fieldName: 'annulled_by' })
  annulledById: string | null = null;

  @Property({ length: 2000, nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was annulled' })
  annulmentReason: string | null = null;

  @Property({ length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'The act that authorised the annulment' })
  annulmentAuthorisation: string | null = null;

  @Property()
  @Field({ description: 'Whether the outgoing document was sent by PEC (set by the PEC plugin)' })
  sentByPec: boolean = false;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was sent by PEC' })
  sentByPecAt: Date | null = null;

  // Protocollo differito (001 §6.5), registratura: exposed as `differimento`.
  @Property({ type: 'date', nullable: true })
  receivedOn: string | null = null;

  @Property({ length: 2000, nullable: true })
  differimentoReason: string | null = null;

  @Property({ length: 500, nullable: true })
  differimentoAuthorisation: string | null = null;

  @Property()
  @Field({
    description:
      'Mittente sconosciuto o anonimo: an incoming letter registered without senders (registratura)',
  })
  anonymousSender: boolean = false;

  @Property()
  @Field({
    description:
      'Vari destinatari: more than three recipients; the full list is the VARI_DESTINATARI annotation (registratura)',
  })
  variDestinatari: boolean = false;
}

/** At least 7 digits, zero-padded (DOMAIN §5). */
export function formatProtocolNumber(n: number): string {
  return String(n).padStart(7, '0');
}
