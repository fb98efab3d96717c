import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { createDownloadLink } from './file-download.service.js';
import { readFileMetadata } from './file-queries.js';
import { StoredFile } from './stored-file.entity.js';

@Resolver()
export class FileResolver {
  @Query(() => StoredFile, { description: 'Metadata of an uploaded file (bytes: GET /files/:id)' })
  @AnyAuthenticated()
  file(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<StoredFile> {
    return readFileMetadata(ctx, id);
  }

  @Mutation(() => String, {
    description:
      'A short-lived absolute URL a browser can GET without a token (e.g. an <a href>), valid for ttlSeconds (at most 3600) while the caller may still see the file',
  })
  @AnyAuthenticated()
  fileDownloadLink(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The file' }) id: string,
    @Arg('ttlSeconds', () => Int, {
      defaultValue: 300,
      description: 'How long the link works, 1 to 3600 seconds',
    })
    ttlSeconds: number,
  ): Promise<string> {
    return createDownloadLink(ctx, id, ttlSeconds);
  }
}
