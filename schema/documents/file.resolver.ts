import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../server/context.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { signDownloadLink } from './download-link.js';
import { findVisibleFile } from './file-queries.js';
import { StoredFile } from './stored-file.entity.js';

@Resolver()
export class FileResolver {
  @Query(() => StoredFile, { description: 'Metadata of an uploaded file (bytes: GET /files/:id)' })
  @Authorized()
  file(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<StoredFile> {
    return findVisibleFile(ctx, id);
  }

  @Mutation(() => String, { description: 'A short-lived link (path) a browser can GET without a token' })
  @Authorized()
  async fileDownloadLink(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('ttlSeconds', () => Int, { defaultValue: 300 }) ttlSeconds: number,
  ): Promise<string> {
    if (ttlSeconds < 1 || ttlSeconds > 3600)
      throw new InvalidInputError('ttlSeconds', 'must be between 1 and 3600');
    const file = await findVisibleFile(ctx, id);
    const user = ctx.user;
    if (!user) throw new InvalidInputError('id', 'no caller');
    return signDownloadLink(ctx.platform, {
      fileId: file.id,
      userId: user.id,
      expiresAt: Math.floor(ctx.clock.now().getTime() / 1000) + ttlSeconds,
    });
  }
}
