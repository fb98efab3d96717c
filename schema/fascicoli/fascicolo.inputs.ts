import { Field, ID, InputType } from 'type-graphql';
import { FascicoloConfidentiality, FascicoloKind } from './fascicolo-enums.js';

@InputType({ description: 'A new fascicolo, on a leaf node of the titolario in force' })
export class OpenFascicoloInput {
  @Field(() => ID, {
    description:
      'The titolario node (a leaf of the version in force today; persona fascicoli may also take a titolo)',
  })
  classificationId!: string;
  @Field(() => FascicoloKind, { description: 'What the fascicolo gathers' })
  kind!: FascicoloKind;
  @Field({ description: 'The subject (oggetto)' })
  oggetto!: string;
  @Field(() => ID, { description: 'The responsible UOR; the fascicolo belongs to its AOO' })
  uorId!: string;
  @Field(() => ID, { description: 'The RPA: an active user with a membership in that UOR' })
  rpaId!: string;
  @Field(() => [String], {
    defaultValue: [],
    description: 'Other administrations taking part (names or IPA codes, at most 50)',
  })
  participatingAdministrations!: string[];
  @Field(() => FascicoloConfidentiality, {
    defaultValue: FascicoloConfidentiality.ORDINARIO,
    description: 'Confidentiality level',
  })
  confidentiality!: FascicoloConfidentiality;
  @Field(() => String, { nullable: true, description: 'Where the paper parts are kept' })
  physicalLocation?: string | null;
  @Field({ defaultValue: false, description: 'Repetitive annual: a copy is opened for each new year' })
  annualRepeat!: boolean;
}

@InputType({ description: 'A sottofascicolo (under a fascicolo) or an inserto (under a sottofascicolo)' })
export class OpenSottofascicoloInput {
  @Field(() => ID, { description: 'The open fascicolo or sottofascicolo it goes under' })
  parentId!: string;
  @Field({ description: 'The subject (oggetto)' })
  oggetto!: string;
  @Field(() => FascicoloKind, { nullable: true, description: 'Its kind; the parent’s when omitted' })
  kind?: FascicoloKind | null;
  @Field(() => ID, { nullable: true, description: 'Its UOR; the parent’s when omitted' })
  uorId?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'Its RPA (a member of its UOR); the parent’s when omitted',
  })
  rpaId?: string | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Participating administrations; the parent’s when omitted',
  })
  participatingAdministrations?: string[] | null;
  @Field(() => FascicoloConfidentiality, {
    nullable: true,
    description: 'Confidentiality; the parent’s when omitted',
  })
  confidentiality?: FascicoloConfidentiality | null;
  @Field(() => String, { nullable: true, description: 'Where the paper parts are kept' })
  physicalLocation?: string | null;
}

@InputType({ description: 'A transfer of a fascicolo to another RPA, and possibly another UOR (001 §4.5)' })
export class TransferFascicoloInput {
  @Field(() => ID, { description: 'The fascicolo' })
  fascicoloId!: string;
  @Field(() => ID, { description: 'The UOR it moves to (the same one to change only the RPA)' })
  uorId!: string;
  @Field(() => ID, { description: 'The new RPA: an active user with a membership in that UOR' })
  rpaId!: string;
  @Field(() => String, { nullable: true, description: 'Why (kept in the history)' })
  reason?: string | null;
}

@InputType({ description: 'A document to file into a fascicolo' })
export class FileDocumentInput {
  @Field(() => ID, { description: 'The open fascicolo' })
  fascicoloId!: string;
  @Field(() => ID, { description: 'A document the caller sees' })
  documentId!: string;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: its primary fascicolo (it must have none); false: a linked one; omitted: primary when it has none yet',
  })
  primary?: boolean | null;
}
