import { Field, ID, InputType } from 'type-graphql';
import { Profile } from './profile.js';

@InputType({ description: 'A public body to record (platform administrators only)' })
export class CreateAdministrationInput {
  @Field({ description: 'IPA code (CodiceAmministrazione), letters, digits and _' })
  ipaCode!: string;
  @Field({ description: 'Official name, e.g. Comune di Esempio' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'Codice fiscale of the body' })
  taxCode?: string | null;
}

@InputType({ description: 'Changes to an administration: fields left out stay as they are' })
export class UpdateAdministrationInput {
  @Field(() => String, { nullable: true, description: 'New official name' })
  name?: string;
  @Field(() => String, { nullable: true, description: 'New codice fiscale; null or empty clears it' })
  taxCode?: string | null;
}

@InputType({ description: 'An AOO of an administration (platform administrators only)' })
export class CreateAooInput {
  @Field(() => ID, { description: 'The administration the AOO belongs to' })
  administrationId!: string;
  @Field({ description: 'IPA Codice_uni_aoo: 7 characters starting with A (or a legacy cod_aoo)' })
  code!: string;
  @Field({ description: 'Name of the AOO' })
  name!: string;
  @Field({ description: 'Institutional PEC address of the AOO (required by law)' })
  pecAddress!: string;
  @Field({ description: 'Code of the protocol register, e.g. REG_PROT' })
  registerCode!: string;
}

@InputType({ description: 'Changes to an AOO: fields left out stay as they are' })
export class UpdateAooInput {
  @Field(() => String, { nullable: true, description: 'New name' })
  name?: string;
  @Field(() => String, {
    nullable: true,
    description: 'New institutional PEC address (it cannot be removed)',
  })
  pecAddress?: string;
  @Field(() => ID, { nullable: true, description: 'The Responsabile della Gestione Documentale' })
  rgdId?: string | null;
}

@InputType({ description: 'An office (UOR) of an AOO' })
export class CreateUorInput {
  @Field(() => ID, { description: 'The AOO the office belongs to' })
  aooId!: string;
  @Field({ description: 'Code of the office, unique in the AOO: letters, digits, _ . or -' })
  code!: string;
  @Field({ description: 'Name of the office' })
  name!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'The office above it (an open UOR of the same AOO); null for a top-level office',
  })
  parentId?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'The head of the office, who reaches the offices below it',
  })
  headId?: string | null;
  @Field(() => String, { nullable: true, description: 'Ordinary e-mail of the office' })
  email?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; default today' })
  activeFrom?: string | null;
}

@InputType({ description: 'Changes to a UOR: fields left out stay as they are' })
export class UpdateUorInput {
  @Field(() => String, { nullable: true, description: 'New name' })
  name?: string;
  @Field(() => ID, {
    nullable: true,
    description: 'Move under another UOR of the same AOO; null makes it a root',
  })
  parentId?: string | null;
  @Field(() => ID, { nullable: true, description: 'New head; null removes it' })
  headId?: string | null;
  @Field(() => String, { nullable: true, description: 'New e-mail; null or empty clears it' })
  email?: string | null;
}

@InputType({ description: 'A person who will use the platform, created by an administrator of an AOO' })
export class CreateUserInput {
  @Field(() => ID, { description: 'The AOO whose administrator creates the user' })
  aooId!: string;
  @Field({ description: 'Short name, unique on the platform: 2-64 lowercase letters, digits, . _ or -' })
  username!: string;
  @Field({ description: 'Given name (nome)' })
  givenName!: string;
  @Field({ description: 'Family name (cognome)' })
  familyName!: string;
  @Field(() => String, { nullable: true, description: 'E-mail address for notices' })
  email?: string | null;
  @Field(() => String, {
    nullable: true,
    description: "The identity provider's subject; default: the username",
  })
  subject?: string | null;
}

@InputType({
  description:
    "Changes to a user's identity: fields left out stay as they are (needs admin rights in every AOO the user works in)",
})
export class UpdateUserInput {
  @Field(() => String, { nullable: true, description: 'New given name' })
  givenName?: string;
  @Field(() => String, { nullable: true, description: 'New family name' })
  familyName?: string;
  @Field(() => String, { nullable: true, description: 'New e-mail; null or empty clears it' })
  email?: string | null;
}

@InputType({ description: "A user's place in a UOR with a profile" })
export class AddMembershipInput {
  @Field(() => ID, { description: 'The user (not the caller: nobody grants themselves rights)' })
  userId!: string;
  @Field(() => ID, { description: 'The UOR (an open one)' })
  uorId!: string;
  @Field(() => Profile, { description: 'The profile, which decides the permissions and their scope' })
  profile!: Profile;
}
