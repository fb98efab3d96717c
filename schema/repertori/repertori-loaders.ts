import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import { Document } from '../documents/index.js';
import { RepertorioEntry } from './repertorio-entry.entity.js';
import { Repertorio } from './repertorio.entity.js';

/**
 * Per-request loaders for the nested fields of repertori: one query per field and level,
 * whatever the number of parents. Callers pass only records already visible: an entry's
 * repertorio and document are visible through the entry (entry visibility is its document's),
 * and a document's entries through the document.
 */
export const repertoriLoaders = {
  repertorio: (ctx: RequestContext) =>
    loader(
      ctx,
      'repertori.repertorio',
      () =>
        new DataLoader<string, Repertorio | null>(async (ids) =>
          byId(await ctx.em.find(Repertorio, { id: { $in: [...ids] } }), ids),
        ),
    ),
  document: (ctx: RequestContext) =>
    loader(
      ctx,
      'repertori.document',
      () =>
        new DataLoader<string, Document | null>(async (ids) =>
          byId(await ctx.em.find(Document, { id: { $in: [...ids] } }), ids),
        ),
    ),
  entriesOfDocument: (ctx: RequestContext) =>
    loader(
      ctx,
      'repertori.entriesOfDocument',
      () =>
        new DataLoader<string, RepertorioEntry[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              RepertorioEntry,
              { documentId: { $in: [...ids] } },
              { orderBy: { registeredAt: 'asc', id: 'asc' } },
            ),
            ids,
            (e) => e.documentId,
          ),
        ),
    ),
};
