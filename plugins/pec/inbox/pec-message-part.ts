import { Field, Int, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';

@ObjectType({ simpleResolvers: true, description: 'A file of a received message' })
@AnyAuthenticated()
export class PecMessagePart {
  @Field({ description: 'File name as sent' })
  fileName!: string;

  @Field({ description: 'Media type as sent' })
  mediaType!: string;

  @Field(() => Int, { description: 'Size in bytes' })
  size!: number;

  @Field({ description: 'SHA-256 (hex) of the bytes' })
  sha256!: string;
}
