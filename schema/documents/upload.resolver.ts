import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../server/auth/access.js';
import { GraphQLSafeInt } from 'graphql-scalars';
import { DOCUMENT_CREATE } from './permissions.js';
import type { RequestContext } from '../../server/context.js';
import { commitUpload, createUpload } from './direct-upload.service.js';
import { StoredFile } from './stored-file.entity.js';
import { ListSize } from '../../server/graphql/list-size.js';

@InputType({ description: 'What a direct upload will send, promised before the bytes' })
export class CreateUploadInput {
  @Field({ description: "The file's name (kept for display and downloads)" })
  fileName!: string;
  @Field(() => GraphQLSafeInt, {
    description: 'Exact size in bytes: the presigned URL accepts no other length',
  })
  size!: number;
  @Field({ description: 'SHA-256 of the bytes, hex: verified at commit' })
  sha256!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The Content-Type the client declares (the server detects the real one)',
  })
  mediaType?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'An HTTP header and its value' })
export class HttpHeader {
  @Field({ description: 'Header name, e.g. x-amz-checksum-sha256' })
  @AnyAuthenticated()
  name!: string;

  @Field({ description: 'Header value, to send exactly as given' })
  @AnyAuthenticated()
  value!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Where to PUT the bytes of a direct upload, until when' })
export class UploadTicket {
  @Field(() => ID, { description: 'Pass it to commitUpload once the bytes are PUT' })
  @AnyAuthenticated()
  uploadId!: string;

  @Field({
    description:
      'Presigned URL: PUT exactly the declared bytes here with `headers`, then call commitUpload. The signature covers the length and the SHA-256 checksum: other bytes are refused by the storage server.',
  })
  @AnyAuthenticated()
  url!: string;

  @Field(() => [HttpHeader], { description: 'Headers the PUT must carry, besides Content-Length' })
  @ListSize({ maxItems: 10 })
  @AnyAuthenticated()
  headers!: HttpHeader[];

  @Field({ description: 'Until when the URL accepts the PUT and the upload can be committed' })
  @AnyAuthenticated()
  expiresAt!: Date;
}

@Resolver()
export class UploadResolver {
  @Mutation(() => UploadTicket, {
    description: 'Start a direct upload to object storage (s3 driver; otherwise POST /files)',
  })
  @Requires(DOCUMENT_CREATE)
  createUpload(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'What will be uploaded' }) input: CreateUploadInput,
  ): Promise<UploadTicket> {
    return createUpload(ctx, input);
  }

  @Mutation(() => StoredFile, {
    description: 'Verify size and digest of a direct upload and record the file',
  })
  @Requires(DOCUMENT_CREATE)
  commitUpload(
    @Ctx() ctx: RequestContext,
    @Arg('uploadId', () => ID, { description: "The ticket's uploadId" }) uploadId: string,
  ): Promise<StoredFile> {
    return commitUpload(ctx, uploadId);
  }
}
