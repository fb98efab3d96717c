import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import { Document } from '../documents/index.js';
import { ProtocolAnnotation, ProtocolCorrespondent, ProtocolFile } from './protocol-parts.entity.js';
import { ProtocolRecord } from './protocol-record.entity.js';

/**
 * Per-request loaders for the nested fields of registrations: one query per field and level,
 * whatever the number of records. Callers pass only records already visible (the parts of a
 * record, and its document, are visible through it).
 */
export const protocolloLoaders = {
  correspondents: (ctx: RequestContext) =>
    loader(
      ctx,
      'protocollo.correspondents',
      () =>
        new DataLoader<string, ProtocolCorrespondent[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              ProtocolCorrespondent,
              { recordId: { $in: [...ids] } },
              { orderBy: { position: 'asc' } },
            ),
            ids,
            (c) => c.recordId,
          ),
        ),
    ),
  files: (ctx: RequestContext) =>
    loader(
      ctx,
      'protocollo.files',
      () =>
        new DataLoader<string, ProtocolFile[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              ProtocolFile,
              { recordId: { $in: [...ids] } },
              { orderBy: { position: 'asc' } },
            ),
            ids,
            (f) => f.recordId,
          ),
        ),
    ),
  annotations: (ctx: RequestContext) =>
    loader(
      ctx,
      'protocollo.annotations',
      () =>
        new DataLoader<string, ProtocolAnnotation[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              ProtocolAnnotation,
              { recordId: { $in: [...ids] } },
              { orderBy: { createdAt: 'asc', id: 'asc' } },
            ),
            ids,
            (a) => a.recordId,
          ),
        ),
    ),
  document: (ctx: RequestContext) =>
    loader(
      ctx,
      'protocollo.document',
      () =>
        new DataLoader<string, Document | null>(async (ids) =>
          byId(await ctx.em.find(Document, { id: { $in: [...ids] } }), ids),
        ),
    ),
  recordOfDocument: (ctx: RequestContext) =>
    loader(
      ctx,
      'protocollo.recordOfDocument',
      () =>
        new DataLoader<string, ProtocolRecord | null>(async (ids) => {
          const rows = await ctx.em.find(ProtocolRecord, { documentId: { $in: [...ids] } });
          const by = new Map(rows.map((r) => [r.documentId, r]));
          return ids.map((id) => by.get(id) ?? null);
        }),
    ),
};
