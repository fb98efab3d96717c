import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { grouped } from '../../server/graphql/loader-helpers.js';
import { DocumentFile } from './document-file.entity.js';
import { StoredFile } from './stored-file.entity.js';

/** Per-request loaders for nested document fields; callers pass only documents already visible. */
export const documentLoaders = {
  currentFiles: (ctx: RequestContext) =>
    loader(
      ctx,
      'doc.currentFiles',
      () =>
        new DataLoader<string, DocumentFile[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              DocumentFile,
              { document: { $in: [...ids] }, supersededAt: null },
              { orderBy: { position: 'asc' } },
            ),
            ids,
            (f) => f.document.id,
          ),
        ),
    ),
  allFiles: (ctx: RequestContext) =>
    loader(
      ctx,
      'doc.allFiles',
      () =>
        new DataLoader<string, DocumentFile[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              DocumentFile,
              { document: { $in: [...ids] } },
              { orderBy: { position: 'asc', version: 'asc' } },
            ),
            ids,
            (f) => f.document.id,
          ),
        ),
    ),
  storedFile: (ctx: RequestContext) =>
    loader(
      ctx,
      'doc.storedFile',
      () =>
        new DataLoader<string, StoredFile | null>(async (ids) => {
          const files = new Map(
            (await ctx.em.find(StoredFile, { id: { $in: [...ids] } })).map((f) => [f.id, f]),
          );
          return ids.map((id) => files.get(id) ?? null);
        }),
    ),
};
