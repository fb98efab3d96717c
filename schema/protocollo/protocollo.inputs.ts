import { Field, ID, InputType, Int } from 'type-graphql';
import {
  ProtocolCorrespondentKind,
  ProtocolKind,
  ProtocolLinkKind,
  ProtocolState,
} from './protocollo-enums.js';

@InputType({
  description:
    'A correspondent: a directory (rubrica) entry by correspondentId, or the data given inline; either way copied into the registration as it is now',
})
export class ProtocolCorrespondentInput {
  @Field(() => ProtocolCorrespondentKind, { description: 'Person, legal person, administration…' })
  kind!: ProtocolCorrespondentKind;

  @Field(() => ID, {
    nullable: true,
    description:
      "A directory (rubrica) entry of the record's AOO: its current data and version are copied in the registration's transaction (later edits of the entry never reach the record). With it, the inline data fields are refused (PROTOCOL_CORRESPONDENT_FROM_DIRECTORY) and kind must be the entry's; a deactivated entry is refused (PROTOCOL_CORRESPONDENT_INACTIVE)",
  })
  correspondentId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Denominazione (required unless nome and cognome, or correspondentId)',
  })
  denominazione?: string | null;

  @Field(() => String, { nullable: true, description: 'Nome (person)' })
  nome?: string | null;

  @Field(() => String, { nullable: true, description: 'Cognome (person)' })
  cognome?: string | null;

  @Field(() => String, { nullable: true, description: 'Codice fiscale (16 characters, or 11 digits)' })
  codiceFiscale?: string | null;

  @Field(() => String, { nullable: true, description: 'Partita IVA (11 digits)' })
  partitaIva?: string | null;

  @Field(() => String, { nullable: true, description: 'IPA code of the administration' })
  ipaAmministrazione?: string | null;

  @Field(() => String, { nullable: true, description: 'IPA code of the AOO' })
  ipaAoo?: string | null;

  @Field(() => String, { nullable: true, description: 'IPA code of the UO' })
  ipaUo?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal address' })
  indirizzo?: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'PEC address' })
  pec?: string | null;
}

@InputType({
  description:
    'Protocollo differito (001 §6.5): an incoming document registered after the day it arrived, with a motivated authorisation',
})
export class ProtocolDifferimentoInput {
  @Field({
    description:
      'The day the document actually arrived (YYYY-MM-DD, Europe/Rome): today or earlier, never in the future',
  })
  receivedOn!: string;

  @Field({ description: 'Why the registration was deferred (the cause; at most 2000 characters)' })
  reason!: string;

  @Field({
    description: 'The act that authorised the deferral (e.g. "Autorizzazione RGD n. 4/2026"; at most 500)',
  })
  authorisation!: string;
}

@InputType({
  description:
    'A CC (per conoscenza) recipient: exactly one of an office (UOR) of the AOO or an active user of the AOO',
})
export class ProtocolCcInput {
  @Field(() => ID, { nullable: true, description: "An office (UOR) of the record's AOO" })
  uorId?: string | null;

  @Field(() => ID, { nullable: true, description: "A user with an open membership in the record's AOO" })
  userId?: string | null;
}

@InputType({ description: 'A link (collegamento) to another record of the same AOO the caller sees' })
export class ProtocolLinkInput {
  @Field(() => ID, { description: 'The linked registration (a hidden or missing one is NOT_FOUND)' })
  recordId!: string;

  @Field(() => ProtocolLinkKind, { description: 'Precedente, risposta a, riferimento' })
  kind!: ProtocolLinkKind;
}

@InputType({ description: 'A registration in the protocol register' })
export class RegisterProtocolInput {
  @Field(() => ProtocolKind, { description: 'Arrivo, partenza or interno' })
  kind!: ProtocolKind;

  @Field(() => ID, {
    description:
      'The primary document: a draft the caller sees; its current files (0 primary, 1.. attachments) are bound by digest',
  })
  documentId!: string;

  @Field({ description: 'Oggetto (registratura; at most 2000 characters)' })
  oggetto!: string;

  @Field(() => [ProtocolCorrespondentInput], {
    description: 'Senders (arrivo) or recipients (partenza, interno), at least one, at most 100',
  })
  correspondents!: ProtocolCorrespondentInput[];

  @Field(() => Int, {
    nullable: true,
    description: 'The number of attachments the operator counted: refused if the document has another number',
  })
  attachmentCount?: number | null;

  @Field(() => ID, { nullable: true, description: "The UOR (default: the document's)" })
  uorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The RPA, a user of the AOO' })
  rpaId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Classification: a titolario node of the version in force on the registration day',
  })
  classificationId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "The fascicolo to file the document in as its primary, in the registration's transaction: an open fascicolo of the AOO the caller may file into (FASCICOLO_MANAGE). Without classificationId the record takes the fascicolo's titolario node; with one they must agree (CLASSIFICATION_FASCICOLO_MISMATCH). A draft already filed as primary keeps its fascicolo",
  })
  fascicoloId?: string | null;

  @Field(() => String, { nullable: true, description: 'Document type' })
  documentType?: string | null;

  @Field(() => String, { nullable: true, description: 'Means of transmission (PEC, EMAIL, POSTA…)' })
  meansOfTransmission?: string | null;

  @Field(() => [String], { nullable: true, description: 'Annotations made at registration (at most 20)' })
  annotations?: string[] | null;

  @Field(() => ProtocolDifferimentoInput, {
    nullable: true,
    description:
      'Protocollo differito: incoming only, not for PEC (PROTOCOL_DIFFERITO_NOT_ARRIVO, PROTOCOL_DIFFERITO_PEC)',
  })
  differimento?: ProtocolDifferimentoInput | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Mittente sconosciuto o anonimo: an incoming letter without senders (then correspondents is empty; PROTOCOL_ANONYMOUS_SENDER)',
  })
  anonymousSender?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'The document is not signed: noted as "Documento non sottoscritto" (anonymous) or "Firma mancante" (with a sender)',
  })
  unsigned?: boolean | null;

  @Field(() => [ProtocolCcInput], {
    nullable: true,
    description:
      'CC (per conoscenza): offices and active users of the AOO it is sent to for information, at most 100, each once (PROTOCOL_CC_DUPLICATE)',
  })
  cc?: ProtocolCcInput[] | null;

  @Field(() => [ProtocolLinkInput], {
    nullable: true,
    description:
      'Links to other records of the AOO the caller sees, at most 50, one per record (PROTOCOL_LINK_DUPLICATE)',
  })
  links?: ProtocolLinkInput[] | null;
}

@InputType({
  description: 'Changes to the managed fields of a registration: a field left out stays, null clears it',
})
export class UpdateProtocolFieldsInput {
  @Field(() => ID, { description: 'The registration' })
  id!: string;

  @Field(() => ID, { nullable: true, description: 'The new UOR (cannot be cleared)' })
  uorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The new RPA' })
  rpaId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The new classification; it must agree with the fascicolo the record is filed in (CLASSIFICATION_FASCICOLO_MISMATCH)',
  })
  classificationId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "The new fascicolo: the document moves there as its primary (unfiled from the current one, filed in the new, through the fascicoli module); without classificationId the record takes the fascicolo's node unless its own agrees; null unfiles it",
  })
  fascicoloId?: string | null;

  @Field(() => String, { nullable: true, description: 'The new document type' })
  documentType?: string | null;

  @Field(() => String, { nullable: true, description: 'The new means of transmission' })
  meansOfTransmission?: string | null;

  @Field(() => [ProtocolCcInput], {
    nullable: true,
    description:
      'The new CC list, replacing the current one ([] or null clears it); only entries added are checked (offices and active users of the AOO, each once)',
  })
  cc?: ProtocolCcInput[] | null;

  @Field(() => [ProtocolLinkInput], {
    nullable: true,
    description:
      'The new links, replacing those the caller sees ([] or null clears them; links to records the caller cannot see stay); no self link (PROTOCOL_LINK_SELF)',
  })
  links?: ProtocolLinkInput[] | null;
}

@InputType({ description: 'An annotation (correction or note) appended to a registration' })
export class AnnotateProtocolInput {
  @Field(() => ID, { description: 'The registration' })
  id!: string;

  @Field({ description: 'The text (at most 4000 characters)' })
  text!: string;
}

@InputType({ description: 'The annulment of a registration' })
export class AnnulProtocolInput {
  @Field(() => ID, { description: 'The registration' })
  id!: string;

  @Field({ description: 'Why it is annulled (required)' })
  reason!: string;

  @Field({
    description: 'The act that authorises the annulment (required, e.g. "Provvedimento RGD n. 3/2026")',
  })
  authorisation!: string;
}

@InputType({ description: 'Which registrations to list; every condition given must hold' })
export class ProtocolRecordFilter {
  @Field(() => ID, { nullable: true, description: 'Only this AOO' })
  aooId?: string | null;

  @Field(() => [ProtocolKind], { nullable: true, description: 'Only these kinds' })
  kinds?: ProtocolKind[] | null;

  @Field(() => [ProtocolState], { nullable: true, description: 'Only these states' })
  states?: ProtocolState[] | null;

  @Field(() => Int, { nullable: true, description: 'Only this year' })
  year?: number | null;

  @Field(() => Int, { nullable: true, description: 'Number at least this' })
  numberFrom?: number | null;

  @Field(() => Int, { nullable: true, description: 'Number at most this' })
  numberTo?: number | null;

  @Field(() => String, { nullable: true, description: 'Registered on or after this day (YYYY-MM-DD)' })
  dateFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'Registered on or before this day (YYYY-MM-DD)' })
  dateTo?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A correspondent whose name, denominazione, codice fiscale, partita IVA, IPA code or address contains this',
  })
  correspondent?: string | null;

  @Field(() => String, { nullable: true, description: 'Oggetto full text (Italian, accents ignored)' })
  oggetto?: string | null;

  @Field(() => ID, { nullable: true, description: 'Classified under this titolario node (its subtree)' })
  classificationId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this UOR' })
  uorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this RPA' })
  rpaId?: string | null;
}
