import { Field, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import { Acl } from '../../server/auth/acl.js';
import { PROTOCOL_READ_PERSONAL_DATA } from './permissions.js';
import { SignatureStatus } from './document-enums.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { MAX_SIGNATURES } from './inspection/inspection-limits.js';

/** Signer data the caller may see: the certificate's subject carries the codice fiscale. */
const personalData = (_ctx: unknown, signer: Signer): boolean => signer.personalDataVisible;

@ObjectType({ description: 'A signer, from the certificate carried in the signature' })
@AnyAuthenticated()
export class Signer {
  /** Decided by the file's resolver from the AOOs of the documents the caller sees it through. */
  personalDataVisible!: boolean;

  @Field(() => String, { nullable: true, description: "Common name (CN) of the signer's certificate" })
  commonName!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Codice fiscale from the certificate serialNumber (personal data)',
  })
  @Acl<Signer>(PROTOCOL_READ_PERSONAL_DATA, personalData)
  fiscalCode!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Subject distinguished name (holds the codice fiscale)',
  })
  @Acl<Signer>(PROTOCOL_READ_PERSONAL_DATA, personalData)
  subject!: string;

  @Field({ description: 'Distinguished name of the certification authority' })
  issuer!: string;

  @Field({ description: "Start of the certificate's validity" })
  notBefore!: Date;

  @Field({ description: "End of the certificate's validity" })
  notAfter!: Date;

  @Field({ description: 'Serial number of the certificate, hex' })
  certificateSerial!: string;
}

@ObjectType({ description: 'What the signature check found (it never blocks registration)' })
@AnyAuthenticated()
export class SignatureInfo {
  @Field(() => SignatureStatus, { description: 'The outcome, as a code a UI can branch on' })
  status!: SignatureStatus;

  @Field({ description: 'The outcome in the words of the manuals, e.g. "certificato scaduto"' })
  label!: string;

  @Field({ description: 'CADES, PADES, XADES or NONE' })
  kind!: string;

  @Field({ description: 'What was checked and found, for a person to read' })
  detail!: string;

  @Field(() => Date, { nullable: true, description: "The signer's claimed signing time" })
  signingTime!: Date | null;

  @Field(() => Int, { description: 'Nested .p7m envelopes (file.pdf.p7m.p7m = 2)' })
  envelopeDepth!: number;

  @Field(() => [Signer], {
    description: `The signers, at most ${MAX_SIGNATURES} (beyond that a file is not verified)`,
  })
  @ListSize({ maxItems: MAX_SIGNATURES })
  signers!: Signer[];
}
