import { Field, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

@ObjectType({
  simpleResolvers: true,
  description:
    'The sealed segnatura informatica of a registration (AgID 2021, Allegato 6): the SegnaturaInformatica XML with its XAdES seal',
})
// Reached only through segnatura(id), which checks the record's visibility.
@AnyAuthenticated()
export class ProtocolSegnatura {
  @Field({ description: 'The sealed XML, exactly as stored (its bytes are what the seal covers)' })
  xml!: string;

  @Field({ description: 'SHA-256 of the XML’s UTF-8 bytes, lowercase hex' })
  sha256!: string;
}
