import { Field, ID, InputType } from 'type-graphql';
import { CorrespondentKind } from './correspondent.types.js';

/** The data fields shared by creation and editing (the rules per kind are in the README). */
@InputType({
  description:
    'New data of a correspondent: fields left out stay as they are, null or an empty string clears them; the change is a new version',
})
export class UpdateCorrespondentInput {
  @Field(() => String, { nullable: true, description: 'Given name (PERSONA_FISICA, required there)' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Surname (PERSONA_FISICA, required there)' })
  surname?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Denominazione (required for every kind but PERSONA_FISICA)',
  })
  denominazione?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Codice fiscale, checked (format and check character)',
  })
  codiceFiscale?: string | null;

  @Field(() => String, { nullable: true, description: 'Partita IVA, checked (check digit)' })
  partitaIva?: string | null;

  @Field(() => String, { nullable: true, description: 'IPA code (AMMINISTRAZIONE_ITALIANA, required there)' })
  ipaCode?: string | null;

  @Field(() => String, { nullable: true, description: 'IPA AOO code (Codice_uni_aoo)' })
  aooCode?: string | null;

  @Field(() => String, { nullable: true, description: 'IPA office code (Codice_uni_uo)' })
  uoCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Country (AMMINISTRAZIONE_ESTERA, required there)' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'Street address' })
  address?: string | null;

  @Field(() => String, { nullable: true, description: 'CAP / postal code' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Comune / city' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'Provincia' })
  province?: string | null;

  @Field(() => String, { nullable: true, description: 'Ordinary e-mail address' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'PEC address (unique in the directory, case ignored)' })
  pec?: string | null;

  @Field(() => String, { nullable: true, description: 'Notes (at most 2000 characters)' })
  notes?: string | null;
}

@InputType({ description: 'A new correspondent of an AOO’s directory' })
export class CreateCorrespondentInput extends UpdateCorrespondentInput {
  @Field(() => ID, { description: 'The AOO whose directory it joins (needs RUBRICA_MANAGE there)' })
  aooId!: string;

  @Field(() => CorrespondentKind, { description: 'What it is (never changes afterwards)' })
  kind!: CorrespondentKind;
}

@InputType({ description: 'Which correspondents to list; every condition given must hold' })
export class CorrespondentFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Words of the name or denominazione, each at least 2 characters (case and accents ignored)',
  })
  text?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A codice fiscale, partita IVA, IPA code, AOO code or UO code (exact, case ignored)',
  })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'A PEC or e-mail address (exact, case ignored)' })
  address?: string | null;

  @Field(() => [CorrespondentKind], { nullable: true, description: 'Only these kinds' })
  kinds?: CorrespondentKind[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Only active (true) or deactivated (false) entries; left out, both',
  })
  active?: boolean | null;
}

@InputType({ description: 'A file of the public IPA index to import into an AOO’s directory' })
export class ImportIpaInput {
  @Field(() => ID, { description: 'The AOO whose directory receives it (needs RUBRICA_MANAGE there)' })
  aooId!: string;

  @Field({
    description:
      'The text of an IPA open-data file (amministrazioni, AOO or UO), tab, comma or semicolon separated, with its header line (README "IPA import")',
  })
  content!: string;
}
