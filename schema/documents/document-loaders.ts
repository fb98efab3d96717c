import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { grouped } from '../../server/graphql/loader-helpers.js';
import { documentVisibilitySql } from './document-visibility.js';
import { DocumentFile } from './document-file.entity.js';
import { StoredFile } from './stored-file.entity.js';

/** Per-request loaders for nested document fields; callers pass only documents already visible. */
export const documentLoaders = {
  currentFiles: (ctx: RequestContext) =>
    loader(
      ctx,
      'doc.currentFiles',
      () =>
        new DataLoader<string, DocumentFile[]>(async (ids) => {
          // The stored files come in the same statement (joined) and prime their loader: a page
          // of documents with their files costs one statement, not two.
          const current = await ctx.em.find(
            DocumentFile,
            { document: { $in: [...ids] }, supersededAt: null },
            { orderBy: { position: 'asc' }, populate: ['file'], strategy: 'joined' },
          );
          const files = documentLoaders.storedFile(ctx);
          for (const df of current) files.prime(df.file.id, df.file);
          return grouped(current, ids, (f) => f.document.id);
        }),
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
  /** AOOs of the documents holding each file that the caller sees (personal-data rules name them). */
  visibleAoosOfFile: (ctx: RequestContext) =>
    loader(
      ctx,
      'doc.visibleAoosOfFile',
      () =>
        new DataLoader<string, string[]>(async (ids) => {
          const v = documentVisibilitySql(ctx);
          const rows = await ctx.em.execute<Array<{ file_id: string; aoo_id: string }>>(
            `select distinct df.file_id, d.aoo_id from document_file df join document d on d.id = df.document_id
              where df.file_id = any(?::uuid[]) and ${v.sql}`,
            [pgArray(ids), ...v.params],
          );
          return grouped(rows, ids, (r) => r.file_id).map((list) => list.map((r) => r.aoo_id));
        }),
    ),
};
