import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

export enum CorrespondentKind {
  PERSONA_FISICA = 'PERSONA_FISICA',
  PERSONA_GIURIDICA = 'PERSONA_GIURIDICA',
  AMMINISTRAZIONE_ITALIANA = 'AMMINISTRAZIONE_ITALIANA',
  AMMINISTRAZIONE_ESTERA = 'AMMINISTRAZIONE_ESTERA',
}

registerEnumType(CorrespondentKind, {
  name: 'CorrespondentKind',
  description: 'What a correspondent is; it decides which identifying fields apply',
  valuesConfig: {
    PERSONA_FISICA: { description: 'A natural person: name, surname, codice fiscale' },
    PERSONA_GIURIDICA: {
      description: 'A company or other legal person: denominazione, partita IVA, codice fiscale',
    },
    AMMINISTRAZIONE_ITALIANA: {
      description: 'An Italian public administration in the IPA index: IPA code, optionally AOO and UO codes',
    },
    AMMINISTRAZIONE_ESTERA: { description: 'A foreign public body: denominazione and country' },
  },
});

export enum CorrespondentChange {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DEACTIVATED = 'DEACTIVATED',
  REACTIVATED = 'REACTIVATED',
  IMPORTED = 'IMPORTED',
}

registerEnumType(CorrespondentChange, {
  name: 'CorrespondentChange',
  description: 'What made a version of a correspondent',
  valuesConfig: {
    CREATED: { description: 'Inserted by hand' },
    UPDATED: { description: 'Edited by hand' },
    DEACTIVATED: { description: 'Deactivated (entries are never deleted)' },
    REACTIVATED: { description: 'Reactivated' },
    IMPORTED: { description: 'Inserted or changed by an import of the IPA index' },
  },
});

/** The data of a correspondent, in the same shape now and in every version of its history. */
@AnyAuthenticated()
@ObjectType('CorrespondentData', {
  description: 'The data of a correspondent (as it is now, or as one version had it)',
})
export abstract class CorrespondentData {
  @Field(() => CorrespondentKind, { description: 'What it is' })
  kind!: CorrespondentKind;

  @Field({ description: 'How it is shown: "Surname Name" for persons, else the denominazione' })
  displayName!: string;

  @Field(() => String, { nullable: true, description: 'Given name (persons)' })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'Surname (persons)' })
  surname!: string | null;

  @Field(() => String, { nullable: true, description: 'Denominazione (legal persons, administrations)' })
  denominazione!: string | null;

  @Field(() => String, { nullable: true, description: 'Codice fiscale (16 characters, or 11 digits)' })
  codiceFiscale!: string | null;

  @Field(() => String, { nullable: true, description: 'Partita IVA (11 digits)' })
  partitaIva!: string | null;

  @Field(() => String, { nullable: true, description: 'IPA code of the administration (codice IPA)' })
  ipaCode!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'IPA code of its AOO (Codice_uni_aoo), if the entry is an AOO',
  })
  aooCode!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'IPA code of its office (Codice_uni_uo), if the entry is a UO',
  })
  uoCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Country (foreign bodies; others may leave it empty)' })
  country!: string | null;

  @Field(() => String, { nullable: true, description: 'Street address' })
  address!: string | null;

  @Field(() => String, { nullable: true, description: 'CAP / postal code' })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Comune / city' })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'Provincia (e.g. RM)' })
  province!: string | null;

  @Field(() => String, { nullable: true, description: 'Ordinary e-mail address' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'PEC (certified e-mail) address' })
  pec!: string | null;

  @Field(() => String, { nullable: true, description: 'Free notes of the protocol office' })
  notes!: string | null;

  @Field({ description: 'False once deactivated: kept, readable, not offered for new registrations' })
  active!: boolean;
}

/** An entry of the correspondents directory of an AOO, as it is now. */
@ObjectType({
  simpleResolvers: true,
  description: 'An entry of the correspondents directory (rubrica) of an AOO, as it is now',
})
@AnyAuthenticated()
export class Correspondent extends CorrespondentData {
  @Field(() => ID, { description: 'Stable identifier of the entry' })
  id!: string;

  aooId!: string;

  @Field(() => Int, { description: 'Its current version (1 at creation; each change adds one)' })
  version!: number;

  @Field({ description: 'When it was inserted' })
  createdAt!: Date;

  createdById!: string;

  @Field({ description: 'When its current version was made' })
  updatedAt!: Date;

  updatedById!: string;
}

/** One version of a correspondent: its data as it was, who made it, when and how. */
@ObjectType({ simpleResolvers: true, description: 'A version of a correspondent, as it was' })
@AnyAuthenticated()
export class CorrespondentVersion extends CorrespondentData {
  correspondentId!: string;

  @Field(() => Int, { description: 'Its number, 1, 2, 3… with no gap' })
  version!: number;

  @Field(() => CorrespondentChange, { description: 'What made it' })
  change!: CorrespondentChange;

  @Field({ description: 'When it was made' })
  at!: Date;

  actorId!: string;
}

@ObjectType({ simpleResolvers: true, description: 'What an import of the IPA index did' })
@AnyAuthenticated()
export class IpaImportResult {
  @Field(() => Int, { description: 'Data rows read' })
  rows!: number;

  @Field(() => Int, { description: 'Entries inserted' })
  created!: number;

  @Field(() => Int, { description: 'Entries that got a new version (something had changed)' })
  updated!: number;

  @Field(() => Int, { description: 'Entries already up to date (no new version)' })
  unchanged!: number;
}
