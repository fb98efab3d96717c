import { Field, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';

/** A document filed in a fascicolo now: as its primary fascicolo, or linked. */
@ObjectType({ simpleResolvers: true, description: 'A document filed in a fascicolo (primary or linked)' })
@AnyAuthenticated()
export class DocumentFiling {
  fascicoloId!: string;
  documentId!: string;

  @Field({ description: 'Whether this is the document’s primary fascicolo (a document has at most one)' })
  primary!: boolean;

  @Field({ description: 'When it was filed there' })
  filedAt!: Date;
}
