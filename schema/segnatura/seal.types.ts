import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

export enum SegnaturaSealSource {
  PKCS12 = 'PKCS12',
  DEVELOPMENT = 'DEVELOPMENT',
}

registerEnumType(SegnaturaSealSource, {
  name: 'SegnaturaSealSource',
  description: 'Where the seal of the segnature comes from',
  valuesConfig: {
    PKCS12: { description: 'A PKCS#12 keystore delivered by a trust service provider' },
    DEVELOPMENT: {
      description: 'A generated key with a self-signed certificate: for development and demos only',
    },
  },
});

/**
 * The public facts of an AOO's seal (its certificate). The private key and the keystore's
 * password have no field: they never leave the server.
 */
@ObjectType({
  simpleResolvers: true,
  description: "The AOO's seal of its segnature (XAdES): its certificate's facts; never the key",
})
@AnyAuthenticated()
export class SegnaturaSeal {
  @Field(() => ID, { description: 'The AOO whose seal this is' })
  aooId!: string;

  @Field(() => SegnaturaSealSource, { description: 'PKCS#12 keystore or development key' })
  source!: SegnaturaSealSource;

  @Field({ description: "The certificate's subject distinguished name" })
  subject!: string;

  @Field({ description: "The certificate's issuer distinguished name" })
  issuer!: string;

  @Field({ description: "The certificate's serial number, hexadecimal" })
  serialNumber!: string;

  @Field({ description: 'Start of the certificate validity' })
  notBefore!: Date;

  @Field({ description: 'End of the certificate validity' })
  notAfter!: Date;

  @Field({ description: 'SHA-256 of the DER certificate, hexadecimal (its fingerprint)' })
  certificateSha256!: string;

  @Field({ description: 'The certificate in PEM, for partners that verify the segnature' })
  certificatePem!: string;

  @Field({ description: 'When the seal was set (request clock)' })
  configuredAt!: Date;
}

@InputType({ description: 'A PKCS#12 keystore and its password, as a trust service provider delivers them' })
export class SetSegnaturaSealInput {
  @Field({ description: 'The .p12/.pfx file, base64' })
  pkcs12!: string;

  @Field({ description: 'Its password (used once to open it, never stored)' })
  password!: string;
}
