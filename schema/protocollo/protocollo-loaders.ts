import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import { Document } from '../documents/index.js';
import { ProtocolAnnotation, ProtocolCorrespondent, ProtocolFile } from './protocol-parts.entity.js';
import type { LinkEntry } from './protocol-cc-links.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import { recordVisibilitySql } from './protocol-visibility.js';
import type { ProtocolLinkKind } from './protocollo-enums.js';

interface CcRow {
  record_id: string;
  uor_id: string | null;
  user_id: string | null;
}
interface LinkRow {
  record_id: string;
  linked_record_id: string;
  kind: ProtocolLinkKind;
}

/** Links of (or to) these records, in the order they were made: one statement. */
function linkLoader(ctx: RequestContext, reverse: boolean): DataLoader<string, LinkEntry[]> {
  const [own, other] = reverse ? ['linked_record_id', 'record_id'] : ['record_id', 'linked_record_id'];
  return new DataLoader<string, LinkEntry[]>(async (ids) => {
    const rows = await ctx.em.execute<LinkRow[]>(
      `select record_id, linked_record_id, kind from protocol_link where ${own} = any(?::uuid[]) order by seq`,
      [pgArray(ids)],
    );
    return grouped(rows, ids, (r) => (reverse ? r.linked_record_id : r.record_id)).map((list) =>
      list.map((r) => ({ recordId: other === 'record_id' ? r.record_id : r.linked_record_id, kind: r.kind })),
    );
  });
}

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
  cc: (ctx: RequestContext) =>
    loader(
      ctx,
      'protocollo.cc',
      () =>
        new DataLoader<string, CcRow[]>(async (ids) =>
          grouped(
            await ctx.em.execute<CcRow[]>(
              `select record_id, uor_id, user_id from protocol_cc where record_id = any(?::uuid[]) order by seq`,
              [pgArray(ids)],
            ),
            ids,
            (c) => c.record_id,
          ),
        ),
    ),
  links: (ctx: RequestContext) => loader(ctx, 'protocollo.links', () => linkLoader(ctx, false)),
  linkedFrom: (ctx: RequestContext) => loader(ctx, 'protocollo.linkedFrom', () => linkLoader(ctx, true)),
  /** Records by id, null when the caller does not see them (linked records): one statement. */
  visibleRecord: (ctx: RequestContext) =>
    loader(
      ctx,
      'protocollo.visibleRecord',
      () =>
        new DataLoader<string, ProtocolRecord | null>(async (ids) => {
          if (ctx.user === null) return ids.map(() => null);
          const v = recordVisibilitySql(ctx);
          const rows = await ctx.em.execute<Array<Record<string, unknown>>>(
            `select r.* from protocol_record r where r.id = any(?::uuid[]) and ${v.sql}`,
            [pgArray(ids), ...v.params],
          );
          return byId(
            rows.map((r) => ctx.em.map(ProtocolRecord, r)),
            ids,
          );
        }),
    ),
};
