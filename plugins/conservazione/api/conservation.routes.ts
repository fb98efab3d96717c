import { pipeline } from 'node:stream/promises';
import type { Express, NextFunction, Request, Response } from 'express';
import { auditRead } from '../../../server/audit/audit-log.js';
import type { RequestContext } from '../../../server/context.js';
import { NotFoundError } from '../../../server/errors/domain-error.js';
import { contentDisposition } from '../../../server/http/content-disposition.js';
import { runModuleRoute } from '../../../server/http/module-route.js';
import type { Platform } from '../../../server/platform.js';
import { ConservationColour } from '../package/index.js';
import { readableItem, readablePackage } from './package-access.js';

export const sipPath = (packageId: string): string =>
  `/conservation/packages/${encodeURIComponent(packageId)}/sip.zip`;
export const pindexPath = (packageId: string): string =>
  `/conservation/packages/${encodeURIComponent(packageId)}/pindex.xml`;
export const descriptorPath = (itemId: string): string =>
  `/conservation/items/${encodeURIComponent(itemId)}/descriptor.xml`;
export const rapportoPath = (itemId: string): string =>
  `/conservation/items/${encodeURIComponent(itemId)}/rapporto.xml`;

/** What one route serves: a stored blob of a package or item of the caller's desk. */
interface Served {
  aooId: string;
  targetType: 'ConservationPackage' | 'ConservationItem';
  targetId: string;
  blobKey: string;
  sha256: string;
  size: number | null;
  mediaType: string;
  fileName: string;
}

type Resolve = (ctx: RequestContext, id: string) => Promise<Served>;

const notBuilt = (kind: string, id: string) => new NotFoundError(kind, id);

const ROUTES: Array<{ path: string; what: string; resolve: Resolve }> = [
  {
    path: '/conservation/packages/:id/sip.zip',
    what: 'sip',
    resolve: async (ctx, id) => {
      const p = await readablePackage(ctx, id);
      if (!p.sipBlobKey || !p.sipSha256) throw notBuilt('ConservationPackage', id);
      return {
        aooId: p.aooId,
        targetType: 'ConservationPackage',
        targetId: p.id,
        blobKey: p.sipBlobKey,
        sha256: p.sipSha256,
        size: p.sipSize,
        mediaType: 'application/zip',
        fileName: `sip-${p.id}.zip`,
      };
    },
  },
  {
    path: '/conservation/packages/:id/pindex.xml',
    what: 'pindex',
    resolve: async (ctx, id) => {
      const p = await readablePackage(ctx, id);
      if (!p.pindexBlobKey || !p.pindexSha256) throw notBuilt('ConservationPackage', id);
      return {
        aooId: p.aooId,
        targetType: 'ConservationPackage',
        targetId: p.id,
        blobKey: p.pindexBlobKey,
        sha256: p.pindexSha256,
        size: null,
        mediaType: 'application/xml',
        fileName: `PIndex-${p.id}.xml`,
      };
    },
  },
  {
    path: '/conservation/items/:id/descriptor.xml',
    what: 'descriptor',
    resolve: async (ctx, id) => {
      const i = await readableItem(ctx, id);
      if (!i.descriptorBlobKey || !i.descriptorSha256) throw notBuilt('ConservationItem', id);
      return {
        aooId: i.aooId,
        targetType: 'ConservationItem',
        targetId: i.id,
        blobKey: i.descriptorBlobKey,
        sha256: i.descriptorSha256,
        size: null,
        mediaType: 'application/xml',
        fileName: `UnitaDocumentaria-${i.registro ?? ''}-${i.anno ?? ''}-${i.numero ?? i.id}.xml`,
      };
    },
  },
  {
    path: '/conservation/items/:id/rapporto.xml',
    what: 'rapporto',
    resolve: async (ctx, id) => {
      const i = await readableItem(ctx, id);
      // The rapporto di versamento exists only for a conserved (green) document.
      if (i.colour !== ConservationColour.GREEN || !i.rapportoBlobKey || !i.rapportoSha256)
        throw notBuilt('ConservationItem', id);
      return {
        aooId: i.aooId,
        targetType: 'ConservationItem',
        targetId: i.id,
        blobKey: i.rapportoBlobKey,
        sha256: i.rapportoSha256,
        size: null,
        mediaType: 'application/xml',
        fileName: `RapportoVersamento-${i.registro ?? ''}-${i.anno ?? ''}-${i.numero ?? i.id}.xml`,
      };
    },
  },
];

/**
 * The stored SIP of a package, its PIndex, each document's ParER request and rapporto di
 * versamento, beside GraphQL (bearer token), for holders of CONSERVATION_READ in the package's
 * AOO; NOT_FOUND for anything else, exactly like a missing id (and for what is not built or not
 * conserved yet). Streamed from the blob store with its length and digest; every download audited.
 */
export function conservationRoutes(app: Express, platform: Platform): void {
  for (const route of ROUTES) {
    app.get(route.path, (req: Request, res: Response, next: NextFunction): void => {
      runModuleRoute(platform, req, res, next, async (ctx) => {
        const served = await route.resolve(ctx, String(req.params['id']));
        const size = served.size ?? (await platform.blobs.stat(served.blobKey))?.size;
        if (size === undefined) throw new NotFoundError(served.targetType, served.targetId);
        const body = await platform.blobs.get(served.blobKey);
        try {
          await auditRead(ctx, {
            aooId: served.aooId,
            operation: `conservation.download.${route.what}`,
            targetType: served.targetType,
            targetId: served.targetId,
            changes: { sha256: served.sha256 },
          });
        } catch (e) {
          body.destroy();
          throw e;
        }
        res.setHeader('Content-Type', served.mediaType);
        res.setHeader('Content-Length', String(size));
        res.setHeader('Content-Disposition', contentDisposition(served.fileName));
        res.setHeader('ETag', `"${served.sha256}"`);
        res.setHeader('X-Content-SHA256', served.sha256);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cache-Control', 'private, no-store');
        res.status(200);
        await pipeline(body, res);
      });
    });
  }
}
